"""`applies_to` in rule and knowledge files: its schema, reading it (thresholds resolved, each
problem with the path it is at) and, for a rule, the conditions it adds to `when`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from runstrong.rules.conditions import AllOf, AnyOf, Compare, Condition, parse_compare
from runstrong.snapshot.applies import AGE, SEX, AppliesTo
from runstrong.snapshot.fields import catalogue

_BOUND = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\$[a-z_][a-z0-9_]*$"}]}


def applies_to_schema() -> dict[str, Any]:
    """`applies_to: {sex: [female, male, other], age: {min: N, max: N}}`: each part optional,
    bounds inclusive, numbers or `$threshold` names."""
    return {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {
            "sex": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": list(catalogue().scalars[SEX].choices)},
            },
            "age": {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "properties": {"min": _BOUND, "max": _BOUND},
            },
        },
    }


#: A problem found while reading: the path under `applies_to` it is at, and the message.
Trouble = tuple[list[Any], str]


def read_applies_to(
    node: Mapping[str, Any], threshold: Callable[[str], float | None]
) -> tuple[AppliesTo, list[Trouble]]:
    """An `applies_to` mapping that passed `applies_to_schema`, its `$threshold` bounds resolved
    by `threshold` (None: no such threshold)."""
    troubles: list[Trouble] = []
    bounds: dict[str, tuple[float | None, str]] = {}
    for end in ("min", "max"):
        raw = (node.get("age") or {}).get(end)
        if raw is None:
            bounds[end] = (None, "")
        elif isinstance(raw, str):
            value = threshold(raw[1:])
            if value is None:
                troubles.append((["age", end], f"applies_to: unknown threshold '{raw}'"))
            bounds[end] = (value, raw)
        else:
            bounds[end] = (float(raw), f"{raw:g}")
    (low, low_text), (high, high_text) = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        troubles.append((["age"], f"applies_to: age min {low:g} is above max {high:g}"))
    return AppliesTo(tuple(node.get("sex") or ()), low, high, low_text, high_text), troubles


def gate_conditions(applies: AppliesTo) -> tuple[Condition, ...]:
    """The conditions a rule's `applies_to` adds to its `when`: each part holds when the sex or
    age is unknown or inside (`any: [profile.sex is unknown, profile.sex in [...]]`)."""
    parts: list[Condition] = []
    if applies.sex:
        inside: Condition = parse_compare(f"{SEX} in [{', '.join(applies.sex)}]")
        parts.append(AnyOf((parse_compare(f"{SEX} is unknown"), inside)))
    if applies.has_age:
        ends: list[Compare] = []
        if applies.age_min_text:
            ends.append(parse_compare(f"{AGE} >= {applies.age_min_text}"))
        if applies.age_max_text:
            ends.append(parse_compare(f"{AGE} <= {applies.age_max_text}"))
        within: Condition = ends[0] if len(ends) == 1 else AllOf(tuple(ends))
        parts.append(AnyOf((parse_compare(f"{AGE} is unknown"), within)))
    return tuple(parts)
