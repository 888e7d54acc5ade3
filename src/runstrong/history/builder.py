"""A complete snapshot for one athlete and date, built from the history, with the provenance of every value."""

from __future__ import annotations

import copy
import sqlite3
import statistics
from datetime import date, timedelta
from typing import Any

from runstrong.history import queries
from runstrong.history.baselines import baseline, daily_checkin_values
from runstrong.history.running_load import running_section
from runstrong.history.windows import baseline_window, previous_week, this_week
from runstrong.snapshot.fields import catalogue
from runstrong.snapshot.validation import Snapshot, validate

#: Nights of sleep needed in the 7 days ending on the date for `sleep_h_avg_7d`.
MIN_SLEEP_NIGHTS = 5
#: A change of at least this much (0-10 scale) between check-ins is a trend, not noise.
TREND_STEP = 1.0
MAX_WEEKS_SINCE_DELOAD = 104


def _trend(now: float, before: float) -> str:
    return "rising" if now - before >= TREND_STEP else ("falling" if before - now >= TREND_STEP else "stable")


def _region_levels(checkins: dict[date, dict[str, Any]], region: str, days: Any) -> list[float]:
    return [
        float(s["level"])
        for day, data in checkins.items()
        if days.holds(day)
        for s in data.get("symptoms", {}).get("soreness", [])
        if s.get("region") == region and "level" in s
    ]


def _soreness_trends(
    symptoms: dict[str, Any], checkins: dict[date, dict[str, Any]], day: date, prov: dict[str, str]
) -> None:
    """A soreness item without a trend gets one week to week: this week's mean level against last week's."""
    week, before = this_week(day), previous_week(day)
    for number, item in enumerate(symptoms.get("soreness", [])):
        if "trend" in item:
            continue
        now, then = _region_levels(checkins, item["region"], week), _region_levels(checkins, item["region"], before)
        if now and then:
            item["trend"] = _trend(statistics.fmean(now), statistics.fmean(then))
            prov[f"symptoms.soreness[{number}].trend"] = (
                f"mean level {statistics.fmean(now):.1f} in {len(now)} check-ins this week against "
                f"{statistics.fmean(then):.1f} in {len(then)} the week before"
            )


def _site_pain(checkins: dict[date, dict[str, Any]], site: str, days: Any) -> list[float]:
    return [
        float(t["pain_during_load"])
        for day, data in checkins.items()
        if days.holds(day)
        for t in data.get("symptoms", {}).get("tendon", [])
        if t.get("site") == site and "pain_during_load" in t
    ]


def _tendon_trends(
    symptoms: dict[str, Any], checkins: dict[date, dict[str, Any]], day: date, prov: dict[str, str]
) -> None:
    """A tendon without a trend gets one week to week: mean pain during loading this week against last week's."""
    if "trend" not in catalogue().lists["symptoms.tendon"]:
        return  # a snapshot format without a tendon trend
    week, before = this_week(day), previous_week(day)
    for number, item in enumerate(symptoms.get("tendon", [])):
        if "trend" in item:
            continue
        now, then = _site_pain(checkins, item["site"], week), _site_pain(checkins, item["site"], before)
        if now and then:
            item["trend"] = _trend(statistics.fmean(now), statistics.fmean(then))
            prov[f"symptoms.tendon[{number}].trend"] = (
                f"mean pain during loading {statistics.fmean(now):.1f} in {len(now)} check-ins this week against "
                f"{statistics.fmean(then):.1f} in {len(then)} the week before"
            )


def _sleep_average(
    snapshot: dict[str, Any], checkins: dict[date, dict[str, Any]], day: date, prov: dict[str, str]
) -> None:
    wellbeing = snapshot.get("wellbeing")
    if wellbeing is None or "sleep_h_avg_7d" in wellbeing:
        return
    week = this_week(day)
    nights = [
        float(data["wellbeing"]["sleep_h_last_night"])
        for d, data in checkins.items()
        if week.holds(d) and "sleep_h_last_night" in data.get("wellbeing", {})
    ]
    if len(nights) >= MIN_SLEEP_NIGHTS:
        wellbeing["sleep_h_avg_7d"] = round(statistics.fmean(nights), 2)
        prov["wellbeing.sleep_h_avg_7d"] = f"mean of {len(nights)} nights' sleep in check-ins, {week.label()}"


def _baselines(
    checkins: dict[date, dict[str, Any]], runs: list[Any], day: date, prov: dict[str, str]
) -> dict[str, Any]:
    window = baseline_window(day)
    series = daily_checkin_values(checkins)
    cadence_days: dict[date, list[float]] = {}
    for run in runs:
        if run.cadence_spm is not None:
            cadence_days.setdefault(run.day, []).append(run.cadence_spm)
    series["cadence_spm"] = {d: statistics.fmean(v) for d, v in cadence_days.items()}
    found: dict[str, Any] = {}
    for name, values in series.items():
        stats = baseline(values, window)
        if stats is None:
            prov[f"baselines.{name}"] = f"unknown: under 14 days of data in {window.label()}"
        else:
            found[name] = stats
            prov[f"baselines.{name}"] = (
                f"mean and SD of {stats['days']} days, {window.label()} (28 days before the week)"
            )
    return found


def _metrics(connection: sqlite3.Connection, athlete_id: str, day: date, prov: dict[str, str]) -> dict[str, Any]:
    """Progress metrics logged over time: the latest (this week) against the one before, or bar speed's 28-day mean."""
    week = this_week(day)
    found: dict[str, Any] = {}
    for metric, other in (
        ("reps_at_fixed_load", "previous"),
        ("circuit_time_s", "previous"),
        ("bar_speed_mps", "baseline"),
    ):
        series = queries.metric_series(connection, athlete_id, metric, day)
        if not series or not week.holds(series[-1][0]):
            continue
        (latest_day, latest), earlier = series[-1], series[:-1]
        if other == "baseline":
            earlier = [(d, v) for d, v in earlier if latest_day - timedelta(days=28) <= d]
            if not earlier:
                continue
            value, note = (
                round(statistics.fmean(v for _, v in earlier), 3),
                f"mean of {len(earlier)} in the 28 days before",
            )
        else:
            if not earlier:
                continue
            value, note = earlier[-1][1], f"logged {earlier[-1][0].isoformat()}"
        found[metric] = {"current": latest, other: value}
        prov[f"metrics.{metric}"] = f"current logged {latest_day.isoformat()}; {other} {note}"
    return found


def _plan_and_profile(
    connection: sqlite3.Connection, athlete_id: str, day: date, snapshot: dict[str, Any], prov: dict[str, str]
) -> None:
    for part in ("profile", "plan"):
        if part in snapshot:
            continue
        latest = queries.latest_part(connection, athlete_id, part, day)
        if latest is not None:
            snapshot[part] = latest[1]
            prov[part] = f"from the check-in of {latest[0].isoformat()} (the latest that gives it)"


def _weeks_since_deload(
    connection: sqlite3.Connection, athlete_id: str, day: date, snapshot: dict[str, Any], prov: dict[str, str]
) -> None:
    plan = snapshot.setdefault("plan", {})
    if "weeks_since_deload" in plan:
        return
    last = queries.last_deload(connection, athlete_id, day)
    if last is not None and (day - last).days // 7 <= MAX_WEEKS_SINCE_DELOAD:
        plan["weeks_since_deload"] = (day - last).days // 7
        prov["plan.weeks_since_deload"] = f"whole weeks since the last logged deload, {last.isoformat()}"
    if not plan:
        del snapshot["plan"]


def build_snapshot(connection: sqlite3.Connection, athlete_id: str, day: date) -> Snapshot:
    """The snapshot for `athlete_id` on `day`: validated like any other, with `provenance` per derived value."""
    queries.require_athlete(connection, athlete_id)
    snapshot: dict[str, Any] = {"athlete_id": athlete_id, "date": day.isoformat()}
    prov: dict[str, str] = {}
    running, running_prov, runs = running_section(connection, athlete_id, day)
    prov.update(running_prov)
    checkins = queries.checkins(connection, athlete_id, day - timedelta(days=35), day)
    today = copy.deepcopy(checkins.get(day, {}))
    for part, value in today.items():
        snapshot[part] = value
        prov[part] = f"the check-in of {day.isoformat()}"
    if running:
        snapshot["running"] = {**running, **snapshot.get("running", {})}
    if "symptoms" in snapshot:
        _soreness_trends(snapshot["symptoms"], checkins, day, prov)
        _tendon_trends(snapshot["symptoms"], checkins, day, prov)
    _sleep_average(snapshot, checkins, day, prov)
    _plan_and_profile(connection, athlete_id, day, snapshot, prov)
    _weeks_since_deload(connection, athlete_id, day, snapshot, prov)
    metrics = _metrics(connection, athlete_id, day, prov)
    if metrics:
        snapshot["metrics"] = {**metrics, **snapshot.get("metrics", {})}
    baselines = _baselines(checkins, runs, day, prov)
    if baselines:
        snapshot["baselines"] = baselines
    snapshot["provenance"] = dict(sorted(prov.items()))
    return validate(snapshot)
