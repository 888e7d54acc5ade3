"""How a rule may use a threshold of `knowledge/thresholds.yaml`: a number on a number field, a
set of values (`in $high_risk_healing_bone_sites`) with `in`, `not_in` or `has_any` on a field
that can take each of them."""

from __future__ import annotations

from runstrong.snapshot.fields import FieldSpec

SET_OPS = ("in", "not_in", "has_any")


def threshold_problems(name: str, value: float | tuple[str, ...] | None, op: str, spec: FieldSpec) -> list[str]:
    """What is wrong with comparing `spec`'s field by `op` with the threshold `name` (its value,
    None when there is no such threshold)."""
    if value is None:
        return [f"unknown threshold '${name}'"]
    if isinstance(value, tuple):
        problems = [] if op in SET_OPS else [f"'${name}' is a set of values: use it with in, not_in or has_any"]
        return problems + [
            f"'${name}' holds '{item}', not a value of '{spec.path}'"
            for item in value
            if spec.choices and item not in spec.choices
        ]
    return [] if spec.numeric else [f"'{spec.path}' is not a number; a threshold cannot apply"]
