"""The snapshot built from the history: week windows, spikes, baselines, trends, provenance; properties."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.history.builder import build_snapshot
from runstrong.history.db import connect
from runstrong.history.model import Activity
from runstrong.history.store import store_checkin, store_import
from runstrong.snapshot.fields import catalogue

D = date(2026, 11, 24)


def at(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def add_runs(
    connection: sqlite3.Connection, runs: list[tuple[int, float]], sport: str = "running", **extra: Any
) -> None:
    """Runs given as (days before D, km), stored as one import."""
    activities = [Activity(sport, at(D - timedelta(days=ago)), km * 1000, 3000, **extra) for ago, km in runs]
    store_import(connection, "ana", "test", "test", f"{sport}{runs}{extra}", activities)


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "h.sqlite3")


def test_week_windows_include_the_date_and_end_where_they_should(db: sqlite3.Connection) -> None:
    add_runs(db, [(0, 5), (6, 4), (7, 3), (13, 2), (14, 1.5), (29, 9), (30, 20), (45, 1)])
    add_runs(db, [(1, 50)], sport="cycling")
    running = build_snapshot(db, "ana", D)["running"]
    assert running["week_km"] == 9  # D and D-6; the ride is not counted
    assert running["prev_week_km"] == 5  # D-7 and D-13
    assert running["longest_run_30d_km"] == 9  # D-29 is in, the 20 km of D-30 is not


def test_windows_the_data_does_not_cover_are_unknown_not_zero(db: sqlite3.Connection) -> None:
    add_runs(db, [(2, 5)])
    snapshot = build_snapshot(db, "ana", D)
    assert "running" not in snapshot or "week_km" not in snapshot["running"]
    assert snapshot["provenance"]["running.week_km"].startswith("unknown")


def test_every_running_value_says_where_it_came_from(db: sqlite3.Connection) -> None:
    add_runs(db, [(ago, 8) for ago in range(0, 60, 2)], cadence_spm=170.0)
    snapshot = build_snapshot(db, "ana", D)
    assert set(snapshot["running"]) <= {k.split(".", 1)[1] for k in snapshot["provenance"] if k.startswith("running.")}
    assert "2026-11-18..2026-11-24" in snapshot["provenance"]["running.week_km"]


def test_largest_single_run_spike_of_the_week(db: sqlite3.Connection) -> None:
    add_runs(db, [(40, 1), (20, 10), (10, 8), (3, 12), (1, 12.5)])
    running = build_snapshot(db, "ana", D)["running"]
    # D-3: 12 km against the 10 km of D-20 (1.2); D-1: 12.5 km against those 12 km (about 1.04)
    assert running["max_run_spike_ratio"] == pytest.approx(1.2)
    assert running["longest_run_30d_km"] == 12.5


def test_cadence_and_its_baseline_from_the_28_days_before_the_week(db: sqlite3.Connection) -> None:
    add_runs(db, [(ago, 8) for ago in range(7, 35)], cadence_spm=170.0)
    add_runs(db, [(ago, 8) for ago in range(0, 7)], cadence_spm=160.0)
    snapshot = build_snapshot(db, "ana", D)
    assert snapshot["running"]["cadence_spm"] == 160
    assert snapshot["running"]["cadence_baseline_spm"] == 170
    assert snapshot["baselines"]["cadence_spm"] == {"mean": 170, "sd": 0, "days": 28}


def checkin(db: sqlite3.Connection, ago: int, **parts: Any) -> None:
    store_checkin(db, "ana", D - timedelta(days=ago), parts, {}, [])


@pytest.mark.parametrize(("days", "known"), [(13, False), (14, True)])
def test_a_baseline_needs_14_days(db: sqlite3.Connection, days: int, known: bool) -> None:
    for ago in range(7, 7 + days):
        checkin(db, ago, wellbeing={"sleep_h_last_night": 7 + (ago % 2) * 0.5})
    checkin(db, 0, wellbeing={"sleep_h_last_night": 5})
    snapshot = build_snapshot(db, "ana", D)
    assert ("sleep_h" in snapshot.get("baselines", {})) is known
    if not known:
        assert "under 14 days" in snapshot["provenance"]["baselines.sleep_h"]


def test_symptoms_come_from_the_check_in_of_the_day_with_trends_from_earlier_ones(db: sqlite3.Connection) -> None:
    for ago in range(7, 14):
        checkin(db, ago, symptoms={"tendon": [{"site": "achilles", "pain_during_load": 2}], "soreness": []})
    checkin(db, 9, symptoms={"soreness": [{"region": "calf", "level": 2}], "tendon": []})
    checkin(
        db,
        0,
        symptoms={
            "soreness": [{"region": "calf", "level": 5}],
            "tendon": [{"site": "achilles", "pain_during_load": 4}],
        },
    )
    symptoms = build_snapshot(db, "ana", D)["symptoms"]
    assert symptoms["soreness"][0]["trend"] == "rising"
    if "trend" in catalogue().lists["symptoms.tendon"]:  # the tendon trend is a newer snapshot field
        assert symptoms["tendon"][0]["trend"] == "rising"


def test_a_day_without_a_check_in_has_unknown_symptoms(db: sqlite3.Connection) -> None:
    checkin(db, 1, symptoms={"soreness": []}, wellbeing={"fatigue": 2})
    snapshot = build_snapshot(db, "ana", D)
    assert "symptoms" not in snapshot and "wellbeing" not in snapshot


def test_sleep_average_weeks_since_deload_and_progress_metrics(db: sqlite3.Connection) -> None:
    for ago, hours in enumerate([6, 7, 8, 7, 6]):
        checkin(db, ago, wellbeing={"sleep_h_last_night": hours})
    store_checkin(
        db,
        "ana",
        D - timedelta(days=23),
        {},
        {"reps_at_fixed_load": 10, "bar_speed_mps": 0.8},
        [{"intensity": "light", "muscle_groups": ["calves"], "deload": True}],
    )
    store_checkin(db, "ana", D - timedelta(days=5), {}, {"reps_at_fixed_load": 12, "bar_speed_mps": 0.72}, [])
    snapshot = build_snapshot(db, "ana", D)
    assert snapshot["wellbeing"]["sleep_h_avg_7d"] == pytest.approx(6.8)
    assert snapshot["plan"]["weeks_since_deload"] == 3
    assert snapshot["metrics"]["reps_at_fixed_load"] == {"current": 12, "previous": 10}
    assert snapshot["metrics"]["bar_speed_mps"] == {"current": 0.72, "baseline": 0.8}


def test_unknown_athlete_is_a_user_error(db: sqlite3.Connection) -> None:
    from runstrong.util.errors import UserError

    with pytest.raises(UserError, match="no athlete 'bob'"):
        build_snapshot(db, "bob", D)


days_ago = st.integers(min_value=0, max_value=60)
runs_strategy = st.lists(st.tuples(days_ago, st.floats(min_value=0.5, max_value=40, allow_nan=False)), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=runs_strategy)
def test_week_windows_partition_the_last_14_days(
    tmp_path_factory: pytest.TempPathFactory, runs: list[tuple[int, float]]
) -> None:
    db = connect(tmp_path_factory.mktemp("h") / "h.sqlite3")
    unique = {ago: km for ago, km in runs}  # one run a day (same start = the same activity)
    add_runs(db, [*unique.items(), (61, 1.0)])  # data from before every window
    add_runs(db, [(0, 3.0)], sport="walking")  # and up to the date: a walk, stored but not counted
    running = build_snapshot(db, "ana", D)["running"]
    assert running["week_km"] == pytest.approx(sum(km for ago, km in unique.items() if ago <= 6), abs=0.01)
    assert running["week_km"] + running["prev_week_km"] == pytest.approx(
        sum(km for ago, km in unique.items() if ago <= 13), abs=0.02
    )
    assert running["longest_run_30d_km"] == pytest.approx(
        max([0, *(km for ago, km in unique.items() if ago <= 29)]), abs=0.001
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=runs_strategy)
def test_importing_twice_is_importing_once(
    tmp_path_factory: pytest.TempPathFactory, runs: list[tuple[int, float]]
) -> None:
    db = connect(tmp_path_factory.mktemp("h") / "h.sqlite3")
    add_runs(db, runs)
    once = build_snapshot(db, "ana", D)
    count = db.execute("SELECT COUNT(*) FROM activities").fetchone()[0]
    add_runs(db, runs)  # the same content again
    assert build_snapshot(db, "ana", D) == once
    assert db.execute("SELECT COUNT(*) FROM activities").fetchone()[0] == count


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.sets(st.integers(min_value=7, max_value=34), max_size=28), hours=st.floats(min_value=4, max_value=10))
def test_a_baseline_is_known_exactly_from_14_days_of_data(
    tmp_path_factory: pytest.TempPathFactory, days: set[int], hours: float
) -> None:
    db = connect(tmp_path_factory.mktemp("h") / "h.sqlite3")
    checkin(db, 40)  # the athlete, with a check-in before the window
    for ago in days:
        checkin(db, ago, wellbeing={"sleep_h_last_night": round(hours + (ago % 3) * 0.5, 2)})
    baselines = build_snapshot(db, "ana", D).get("baselines", {})
    assert ("sleep_h" in baselines) is (len(days) >= 14)
    if "sleep_h" in baselines:
        assert baselines["sleep_h"]["days"] == len(days) and baselines["sleep_h"]["mean"] > 0
