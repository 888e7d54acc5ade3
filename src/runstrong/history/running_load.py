"""The snapshot's running section from the stored activities, each value with where it came from."""

from __future__ import annotations

import sqlite3
import statistics
from datetime import date, timedelta
from typing import Any

from runstrong.history import queries
from runstrong.history.windows import (
    Run,
    baseline_window,
    in_window,
    last_30_days,
    longest_km,
    previous_week,
    spike_ratios,
    this_week,
    total_km,
)

#: Runs with a cadence needed in the 28 days before the week for `cadence_baseline_spm`.
MIN_CADENCE_RUNS = 3
#: The snapshot format's highest spike ratio.
MAX_SPIKE_RATIO = 1000


def _runs_word(count: int) -> str:
    return f"{count} run{'s' if count != 1 else ''}"


def _mean_cadence(runs: list[Run]) -> float | None:
    values = [run.cadence_spm for run in runs if run.cadence_spm is not None]
    return round(statistics.fmean(values), 1) if values else None


def running_section(
    connection: sqlite3.Connection, athlete_id: str, day: date
) -> tuple[dict[str, Any], dict[str, str], list[Run]]:
    """(running fields, provenance, the runs read): only the windows the stored data covers are known."""
    runs = queries.runs(connection, athlete_id, day - timedelta(days=70), day)
    span = queries.activity_span(connection, athlete_id, day)
    section: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    not_covered = "unknown: no activities stored from before {first} (the window would look emptier than it was)"
    for field, window, what in (
        ("week_km", this_week(day), "running distance in the 7 days ending on the date"),
        ("prev_week_km", previous_week(day), "running distance in the 7 days before those"),
    ):
        if span.covers(window.first):
            section[field] = total_km(runs, window)
            count = len(in_window(runs, window))
            provenance[f"running.{field}"] = f"{what}: {_runs_word(count)}, {window.label()} (activities, running only)"
        else:
            provenance[f"running.{field}"] = not_covered.format(first=window.first)
    month = last_30_days(day)
    if span.covers(month.first):
        section["longest_run_30d_km"] = longest_km(runs, month)
        provenance["running.longest_run_30d_km"] = (
            f"longest single run in the 30 days ending on the date, {month.label()}"
        )
    else:
        provenance["running.longest_run_30d_km"] = not_covered.format(first=month.first)
    week = this_week(day)
    cadence = _mean_cadence(in_window(runs, week))
    if cadence is not None:
        section["cadence_spm"] = cadence
        counted = sum(1 for run in in_window(runs, week) if run.cadence_spm is not None)
        provenance["running.cadence_spm"] = f"mean cadence of {_runs_word(counted)} with cadence, {week.label()}"
    before = [run for run in in_window(runs, baseline_window(day)) if run.cadence_spm is not None]
    if len(before) >= MIN_CADENCE_RUNS:
        section["cadence_baseline_spm"] = _mean_cadence(before)
        provenance["running.cadence_baseline_spm"] = (
            f"mean cadence of {_runs_word(len(before))} in the 28 days before the week, {baseline_window(day).label()}"
        )
    ratios = [(run, ratio) for run, ratio in spike_ratios(runs, week) if span.covers(run.day - timedelta(days=30))]
    if ratios:
        run, ratio = max(ratios, key=lambda pair: pair[1])
        section["max_run_spike_ratio"] = round(min(ratio, MAX_SPIKE_RATIO), 3)
        provenance["running.max_run_spike_ratio"] = (
            f"the run of {run.day.isoformat()} ({run.km:.2f} km) against the longest run of the 30 days before it"
            " (Frandsen 2025): the largest of this week's runs"
        )
    return section, provenance, runs
