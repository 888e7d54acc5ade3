"""Personal baselines: a metric's mean and spread over the 28 days before the current week (14 days or more)."""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

from runstrong.history.windows import Window

#: Fewer days of data than this and the baseline is unknown (never zero).
MIN_DAYS = 14


def baseline(values: dict[date, float], window: Window) -> dict[str, Any] | None:
    """{mean, sd, days} of the daily values inside `window`, or None under MIN_DAYS days."""
    inside = [value for day, value in values.items() if window.holds(day)]
    if len(inside) < MIN_DAYS:
        return None
    return {
        "mean": round(statistics.fmean(inside), 3),
        "sd": round(statistics.stdev(inside), 3),
        "days": len(inside),
    }


def _max_level(items: Any, field: str) -> float | None:
    if not isinstance(items, list):
        return None  # not reported: unknown
    levels = [item[field] for item in items if field in item]
    if items and not levels:
        return None
    return float(max(levels, default=0))


def daily_checkin_values(checkins: dict[date, dict[str, Any]]) -> dict[str, dict[date, float]]:
    """Per metric, the value of each check-in day: sleep, fatigue, the worst soreness and tendon pain."""
    series: dict[str, dict[date, float]] = {"sleep_h": {}, "fatigue": {}, "soreness": {}, "tendon_pain": {}}
    for day, data in checkins.items():
        wellbeing = data.get("wellbeing", {})
        symptoms = data.get("symptoms", {})
        picks = {
            "sleep_h": wellbeing.get("sleep_h_last_night"),
            "fatigue": wellbeing.get("fatigue"),
            "soreness": _max_level(symptoms.get("soreness"), "level"),
            "tendon_pain": _max_level(symptoms.get("tendon"), "pain_during_load"),
        }
        for name, value in picks.items():
            if value is not None:
                series[name][day] = float(value)
    return series
