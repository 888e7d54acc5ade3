"""The series `history show` plots: weekly distance, the 30-day longest run, cadence, tendon pain, sleep, decisions."""

from __future__ import annotations

import sqlite3
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from runstrong.history import queries
from runstrong.history.baselines import baseline, daily_checkin_values
from runstrong.history.windows import baseline_window, last_30_days, longest_km, this_week, total_km


@dataclass
class Trends:
    """Everything one athlete's plots show, week by week and day by day up to `until`."""

    athlete_id: str
    until: date
    week_ends: list[date] = field(default_factory=list)
    week_km: list[float] = field(default_factory=list)
    longest_30d_km: list[float] = field(default_factory=list)
    cadence: list[tuple[date, float]] = field(default_factory=list)
    cadence_baseline: list[tuple[date, float]] = field(default_factory=list)
    tendon_pain: list[tuple[date, float]] = field(default_factory=list)
    sleep_h: list[tuple[date, float]] = field(default_factory=list)
    decisions: list[tuple[date, str]] = field(default_factory=list)


def collect_trends(connection: sqlite3.Connection, athlete_id: str, until: date, weeks: int) -> Trends:
    """The last `weeks` weeks ending on `until`."""
    queries.require_athlete(connection, athlete_id)
    first = until - timedelta(days=7 * weeks - 1)
    runs = queries.runs(connection, athlete_id, first - timedelta(days=40), until)
    trends = Trends(athlete_id, until)
    for n in range(weeks - 1, -1, -1):
        end = until - timedelta(days=7 * n)
        trends.week_ends.append(end)
        trends.week_km.append(total_km(runs, this_week(end)))
        trends.longest_30d_km.append(longest_km(runs, last_30_days(end)))
        window = baseline_window(end)
        by_day: dict[date, list[float]] = {}
        for run in runs:
            if run.cadence_spm is not None:
                by_day.setdefault(run.day, []).append(run.cadence_spm)
        stats = baseline({d: statistics.fmean(v) for d, v in by_day.items()}, window)
        if stats is not None:
            trends.cadence_baseline.append((end, stats["mean"]))
    trends.cadence = [(run.day, run.cadence_spm) for run in runs if run.cadence_spm is not None and run.day >= first]
    series = daily_checkin_values(queries.checkins(connection, athlete_id, first, until))
    trends.tendon_pain = sorted(series["tendon_pain"].items())
    trends.sleep_h = sorted(series["sleep_h"].items())
    trends.decisions = [
        (date.fromisoformat(row["day"]), row["status"])
        for row in queries.decisions(connection, athlete_id)
        if first <= date.fromisoformat(row["day"]) <= until
    ]
    return trends
