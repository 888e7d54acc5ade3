"""Changes to a snapshot: setting a dotted path, applying a list of changes, and the nearest
value of a field that makes a predicate hold."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runstrong.snapshot.fields import (
    INTEGER,
    FieldSpec,
    catalogue,
)
from runstrong.snapshot.validation import Snapshot

_ITEM_PATH = re.compile(r"^(?P<list>[\w.]+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")


MAX_TRIES = 6


_SEARCH_STEPS = 60


#: The snapshot fields a derived value can be moved through, and for each the field whose value
#: stands in for it when it is unknown (the value that makes the derived value neutral).
DERIVED_SOURCES: dict[str, list[tuple[str, str]]] = {
    "derived.week_change_pct": [("running.week_km", "running.prev_week_km")],
    "derived.cadence_drop_pct": [("running.cadence_spm", "running.cadence_baseline_spm")],
    "derived.long_run_spike_ratio": [("running.planned_long_run_km", "running.longest_run_30d_km")],
    "derived.bar_speed_drop_pct": [("metrics.bar_speed_mps.current", "metrics.bar_speed_mps.baseline")],
    "derived.reps_at_fixed_load_change": [
        ("metrics.reps_at_fixed_load.current", "metrics.reps_at_fixed_load.previous")
    ],
    "derived.circuit_time_change_pct": [("metrics.circuit_time_s.current", "metrics.circuit_time_s.previous")],
    "derived.heel_raise_min_reps": [
        ("metrics.heel_raise_reps.left", "metrics.heel_raise_reps.right"),
        ("metrics.heel_raise_reps.right", "metrics.heel_raise_reps.left"),
    ],
    "derived.heel_raise_asymmetry_pct": [
        ("metrics.heel_raise_reps.left", "metrics.heel_raise_reps.right"),
        ("metrics.heel_raise_reps.right", "metrics.heel_raise_reps.left"),
    ],
    "derived.knee_to_wall_min_cm": [
        ("metrics.knee_to_wall_cm.left", "metrics.knee_to_wall_cm.right"),
        ("metrics.knee_to_wall_cm.right", "metrics.knee_to_wall_cm.left"),
    ],
}


DERIVED_ITEM_SOURCES = {("symptoms.tendon", "next_morning_above_baseline"): ("pain_next_morning", "pain_baseline")}


#: Operators that bound a number on one side.
BOUND_OPS = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Bound:
    """Where a changed field starts to make its condition hold: `op value` (`> 5`, `>= 1`), in
    the changed field's own unit; every value past it does (the condition is a half-line)."""

    op: str
    value: float

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op, "value": self.value}


@dataclass(frozen=True)
class Change:
    """One field set to a new value (`now` is None when the field was unknown); `bound` says
    which values of the field would do as well, when they lie past one boundary."""

    path: str
    now: Any
    to: Any
    condition: str
    via: str | None = None
    threshold: dict[str, Any] | None = None
    bound: Bound | None = None

    def as_dict(self) -> dict[str, Any]:
        data = {
            "path": self.path,
            "now": self.now,
            "to": self.to,
            "condition": self.condition,
            "unit": _unit_of(self.path),
        }
        if self.via:
            data["via"] = self.via
        if self.threshold:
            data["threshold"] = self.threshold
        if self.bound:
            data["bound"] = self.bound.as_dict()
        return data


def _spec(path: str) -> FieldSpec | None:
    match = _ITEM_PATH.match(path)
    if match:
        return catalogue().lists.get(match["list"], {}).get(match["field"])
    return catalogue().scalars.get(path)


def _unit_of(path: str) -> str:
    spec = _spec(path)
    return spec.unit if spec else ""


def get_path(snapshot: Snapshot, path: str) -> Any:
    """The value at a snapshot path (`a.b.c` or `list.path[i].field`), None when absent."""
    match = _ITEM_PATH.match(path)
    parts = match["list"].split(".") if match else path.split(".")
    node: Any = snapshot
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if match:
        index = int(match["index"])
        if not isinstance(node, list) or index >= len(node) or not isinstance(node[index], dict):
            return None
        return node[index].get(match["field"])
    return node


def set_path(snapshot: Snapshot, path: str, value: Any) -> None:
    """Set a snapshot path in place, creating the mappings on the way."""
    match = _ITEM_PATH.match(path)
    parts = match["list"].split(".") if match else path.split(".")
    node = snapshot
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if match:
        node[parts[-1]][int(match["index"])][match["field"]] = value
    else:
        node[parts[-1]] = value


def apply_changes(snapshot: Snapshot, changes: list[dict[str, Any]] | list[Change]) -> Snapshot:
    """A copy of `snapshot` with the changes applied (items appended when `path` is a list)."""
    changed = copy.deepcopy(snapshot)
    for change in changes:
        path, value = (change.path, change.to) if isinstance(change, Change) else (change["path"], change["to"])
        set_path(changed, path, copy.deepcopy(value))
    return changed


def _resolution(spec: FieldSpec, now: Any) -> float:
    if whole_steps(spec):
        return 1.0
    decimals = 1
    if isinstance(now, float):
        text = repr(now)
        decimals = max(1, min(3, len(text.split(".")[1]) if "." in text and "e" not in text else 1))
    return 10.0**-decimals


def _grid(spec: FieldSpec, value: float) -> float:
    return round(value) if spec.kind == INTEGER else round(value, 3)


def nearest_value(spec: FieldSpec, start: float, holds: Callable[[float], bool]) -> float | None:
    """The value on the field's grid nearest to `start`, within its range, for which `holds`,
    assuming the set where it holds is a half-line (a monotone derived value) or one point."""
    step = _resolution(spec, start)
    if holds(_grid(spec, start)):
        return _grid(spec, start)
    low = spec.minimum if spec.minimum is not None else (0.0 if start >= 0 else start * 10 - 100)
    high = spec.maximum if spec.maximum is not None else max(abs(start) * 10, 1000.0)
    best: float | None = None
    for end in (low, high):
        far = math.floor(abs(end - start) / step + 1e-9)
        direction = 1 if end >= start else -1
        if far > 1 and not holds(_grid(spec, start + direction * far * step)):
            far -= 1  # a range end may be undefined for a derived value (a zero denominator)
        if far == 0 or not holds(_grid(spec, start + direction * far * step)):
            continue
        near, outer = 0, far  # holds at `outer`, not (known) at `near`
        for _ in range(_SEARCH_STEPS):
            if outer - near <= 1:
                break
            middle = (near + outer) // 2
            if holds(_grid(spec, start + direction * middle * step)):
                outer = middle
            else:
                near = middle
        value = _grid(spec, start + direction * outer * step)
        if best is None or abs(value - start) < abs(best - start):
            best = value
    return best


def whole_steps(spec: FieldSpec) -> bool:
    """Whether the field moves in whole steps (counts, reps): its values are whole numbers."""
    return spec.kind == INTEGER or "reps" in spec.path or spec.unit == "reps"


def threshold_bound(spec: FieldSpec, op: str | None, limit: Any) -> Bound | None:
    """`field op limit` as a bound of the field (None unless a one-sided comparison with a
    number); on a whole-step field a strict bound becomes the whole number past it (`> 0`: `>= 1`)."""
    if op not in BOUND_OPS or isinstance(limit, bool) or not isinstance(limit, (int, float)):
        return None
    if whole_steps(spec) and op == ">":
        return Bound(">=", math.floor(limit) + 1)
    if whole_steps(spec) and op == "<":
        return Bound("<=", math.ceil(limit) - 1)
    return Bound(op, limit)


def moved_bound(
    spec: FieldSpec, op: str | None, start: float, value: float, holds: Callable[[float], bool]
) -> Bound | None:
    """The bound of a field moved from `start` (where `holds` fails) to `value` (where it holds)
    to make a derived value pass a comparison `op`: the point in between where it starts to hold
    (found by bisection; a whole-step field's first whole value), strict when `op` is."""
    if op not in BOUND_OPS or value == start or holds(start):
        return None
    upward = value > start
    if whole_steps(spec):
        return Bound(">=" if upward else "<=", value)
    fails, passes = float(start), float(value)
    for _ in range(_SEARCH_STEPS):
        middle = (fails + passes) / 2
        fails, passes = (fails, middle) if holds(middle) else (middle, passes)
    strict = op in ("<", ">")
    return Bound((">" if strict else ">=") if upward else ("<" if strict else "<="), round(passes, 6))
