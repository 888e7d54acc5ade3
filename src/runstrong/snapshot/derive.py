"""Derived values, computed from a snapshot before the rules run (from its values by dotted
path, as `snapshot.facts` flattens them: every value a derivation reads is a leaf or a list)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Number = float | int
#: A snapshot's values by dotted path (`running.week_km`); a missing one is None.
Reader = Callable[[str], Any]


def _pct_change(new: Number | None, old: Number | None) -> float | None:
    if new is None or old is None or old == 0:
        return None
    return (new - old) / old * 100


def _pct_drop(current: Number | None, baseline: Number | None) -> float | None:
    change = _pct_change(current, baseline)
    return None if change is None else -change


def _ratio(top: Number | None, bottom: Number | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def _sides(get: Reader, path: str) -> tuple[Number, Number] | None:
    left, right = get(f"{path}.left"), get(f"{path}.right")
    return None if left is None or right is None else (left, right)


def _weaker(get: Reader, path: str) -> Number | None:
    sides = _sides(get, path)
    return None if sides is None else min(sides)


def _asymmetry_pct(get: Reader, path: str) -> float | None:
    sides = _sides(get, path)
    if sides is None or max(sides) == 0:
        return None
    return abs(sides[0] - sides[1]) / max(sides) * 100


def _count(get: Reader, path: str, keep: Callable[[dict[str, Any]], bool]) -> int | None:
    items = get(path)
    return None if items is None else sum(1 for item in items if keep(item))


def _plyometric_contacts(get: Reader) -> int | None:
    sessions = get("plan.gym_sessions")
    if sessions is None or any("plyometric_contacts" not in s for s in sessions):
        return None
    return sum(int(s["plyometric_contacts"]) for s in sessions)


def _recent_injuries(get: Reader) -> int | None:
    history = get("profile.injury_history")
    if history is None or any("months_ago" not in injury for injury in history):
        return None
    return sum(1 for injury in history if injury["months_ago"] <= 12)


def _difference(get: Reader, path: str, new: str, old: str) -> Number | None:
    a, b = get(f"{path}.{new}"), get(f"{path}.{old}")
    return None if a is None or b is None else a - b


def _worst_level(get: Reader, path: str, field: str) -> Number | None:
    items = get(path)
    if items is None or any(field not in item for item in items):
        return None
    return max((item[field] for item in items), default=0)


def _sd_from_baseline(current: Number | None, get: Reader, metric: str, worse: int) -> float | None:
    """How many of the athlete's own SDs `current` lies from their baseline, positive = worse; unknown if SD is 0."""
    mean, sd = get(f"baselines.{metric}.mean"), get(f"baselines.{metric}.sd")
    if current is None or mean is None or not sd:
        return None
    return float(worse * (current - mean) / sd)


DERIVATIONS: dict[str, Callable[[Reader], Any]] = {
    "derived.week_change_pct": lambda get: _pct_change(get("running.week_km"), get("running.prev_week_km")),
    "derived.cadence_drop_pct": lambda get: _pct_drop(get("running.cadence_spm"), get("running.cadence_baseline_spm")),
    "derived.long_run_spike_ratio": lambda get: _ratio(
        get("running.planned_long_run_km"), get("running.longest_run_30d_km")
    ),
    "derived.bar_speed_drop_pct": lambda get: _pct_drop(
        get("metrics.bar_speed_mps.current"), get("metrics.bar_speed_mps.baseline")
    ),
    "derived.reps_at_fixed_load_change": lambda get: _difference(
        get, "metrics.reps_at_fixed_load", "current", "previous"
    ),
    "derived.circuit_time_change_pct": lambda get: _pct_change(
        get("metrics.circuit_time_s.current"), get("metrics.circuit_time_s.previous")
    ),
    "derived.heel_raise_min_reps": lambda get: _weaker(get, "metrics.heel_raise_reps"),
    "derived.heel_raise_asymmetry_pct": lambda get: _asymmetry_pct(get, "metrics.heel_raise_reps"),
    "derived.knee_to_wall_min_cm": lambda get: _weaker(get, "metrics.knee_to_wall_cm"),
    "derived.gym_sessions_count": lambda get: _count(get, "plan.gym_sessions", lambda _: True),
    "derived.high_gym_sessions_count": lambda get: _count(
        get, "plan.gym_sessions", lambda item: item.get("intensity") == "high"
    ),
    "derived.strength_gym_sessions_count": lambda get: _count(
        get, "plan.gym_sessions", lambda item: item.get("intensity") != "light"
    ),
    "derived.plyometric_contacts_week": _plyometric_contacts,
    "derived.recent_injury_count": _recent_injuries,
    "derived.sleep_below_baseline_sd": lambda get: _sd_from_baseline(
        get("wellbeing.sleep_h_last_night"), get, "sleep_h", -1
    ),
    "derived.fatigue_above_baseline_sd": lambda get: _sd_from_baseline(get("wellbeing.fatigue"), get, "fatigue", 1),
    "derived.soreness_above_baseline_sd": lambda get: _sd_from_baseline(
        _worst_level(get, "symptoms.soreness", "level"), get, "soreness", 1
    ),
    "derived.tendon_pain_above_baseline_sd": lambda get: _sd_from_baseline(
        _worst_level(get, "symptoms.tendon", "pain_during_load"), get, "tendon_pain", 1
    ),
    "derived.cadence_below_baseline_sd": lambda get: _sd_from_baseline(
        get("running.cadence_spm"), get, "cadence_spm", -1
    ),
}


def derive_item(list_path: str, item: dict[str, Any]) -> dict[str, Any]:
    """An item with its derived fields added (where both inputs are known)."""
    if list_path == "symptoms.tendon" and "pain_next_morning" in item and "pain_baseline" in item:
        return {**item, "next_morning_above_baseline": item["pain_next_morning"] - item["pain_baseline"]}
    return item


#: Decimal places kept in derived values, so that 0.9 against 1.0 is a 10 % drop, not 9.999…
PRECISION = 6


def derived_values(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Every derived value that can be computed from a snapshot's values by dotted path
    (unknown ones are left out)."""
    get = flat.get
    values = {name: derive(get) for name, derive in DERIVATIONS.items()}
    return {
        name: round(value, PRECISION) if isinstance(value, float) else value
        for name, value in values.items()
        if value is not None
    }
