"""`applies_to` in rule and knowledge files: its schema, reading it (thresholds resolved, each
problem with the path it is at) and, for a rule, the conditions it adds to `when`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from runstrong.rules.conditions import AllOf, AnyOf, Compare, Condition, parse_compare
from runstrong.snapshot.applies import AGE, SEX, AppliesTo
from runstrong.snapshot.fields import catalogue
from runstrong.util.errors import Problem
from runstrong.util.located import where

_BOUND = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\$[a-z_][a-z0-9_]*$"}]}


def applies_to_schema() -> dict[str, Any]:
    """`applies_to: {sex: [female, male, other], age: {min: N, max: N}}`: each part optional,
    bounds inclusive, numbers or `$threshold` names."""
    return {
        "type": "object",
        "additionalProperties": False,
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
    if not node.get("sex") and not node.get("age"):
        troubles.append(([], "applies_to: give `sex: [...]`, `age: {min: N, max: N}` or both"))
    elif "age" in node and not node["age"]:
        troubles.append((["age"], "applies_to: `age` needs `min`, `max` or both"))
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


def entry_applies_to(
    file: Path, data: dict[str, Any], key: str, thresholds: dict[str, Any], problems: list[Problem]
) -> AppliesTo:
    """A knowledge entry's `applies_to` (`red_flags.yaml`, `fields.yaml`), its `$threshold`
    bounds resolved from the thresholds file's data; problems added at their lines."""

    def value(name: str) -> float | None:
        if not thresholds:
            return 0.0  # thresholds.yaml is missing or malformed: that is reported on its own
        entry = thresholds.get(name)
        bound = entry.get("value") if isinstance(entry, dict) else None
        return float(bound) if isinstance(bound, int | float) else None

    applies, troubles = read_applies_to(data[key]["applies_to"], value)
    problems += [
        Problem(where(file, data, [key, "applies_to", *path]), f"{key}.{message}") for path, message in troubles
    ]
    return applies


def entries_applies_to(
    file: Path, data: dict[str, Any], thresholds: dict[str, Any], problems: list[Problem]
) -> dict[str, AppliesTo]:
    """Every entry's `applies_to` of a knowledge file, by key (entries without one left out)."""
    return {key: entry_applies_to(file, data, key, thresholds, problems) for key in data if "applies_to" in data[key]}


def rule_applies_to(node: Mapping[str, Any], thresholds: Mapping[str, Any]) -> tuple[AppliesTo, list[Trouble]]:
    """A rule's `applies_to`, its `$threshold` bounds resolved from the loaded thresholds (a
    threshold that is not a number resolves to nothing, reported as unknown)."""

    def number(name: str) -> float | None:
        value = thresholds[name].value if name in thresholds else None
        return float(value) if isinstance(value, int | float) else None

    return read_applies_to(node, number)


def field_problems(file: Path, data: dict[str, Any]) -> list[Problem]:
    """`fields.yaml` names snapshot fields (not derived ones, nor the sex and age it is decided by)."""
    scalars = catalogue().scalars
    return [
        Problem(
            where(file, data, [key]),
            f"{key}: not a snapshot field that can depend on sex or age"
            + ("" if key in scalars else " (see docs/snapshot-format.md)"),
        )
        for key in data
        if key not in scalars or scalars[key].derived or key in (SEX, AGE)
    ]
