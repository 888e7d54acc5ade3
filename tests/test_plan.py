"""`runstrong plan`: the week shows the effect of every adjustment `recommend` keeps, never adds
load when the advice decreases, keeps away from referred sites, and reports its scheduling rules."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import bundled_ruleset
from explain_cases import all_snapshots
from runstrong.advice.result import build_result
from runstrong.cli.main import cli
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.build import build_plan
from runstrong.plan.model import DAYS, hours_apart
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import Snapshot, read_snapshot, validate
from strategies import snapshots

ROOT = Path(__file__).resolve().parent.parent
#: The examples, the scenarios and every rule's own examples (fires and does_not_fire).
CASES = all_snapshots(bundled_ruleset())
UPPER = {"core", "upper_body"}


def _plan(evaluator: Evaluator, snapshot: Snapshot) -> tuple[dict[str, Any], dict[str, Any]]:
    evaluation = evaluator.evaluate(snapshot)
    return build_plan(evaluator.ruleset, evaluation), build_result(evaluator.ruleset, evaluation)


def _sessions(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(s, day=d["day"]) for d in plan["days"] for s in d["sessions"]]


def _exercises(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for s in _sessions(plan) for e in s["exercises"]]


def _sites(ruleset: RuleSet, sites: list[str]) -> set[str]:
    return {part for site in sites for part in ruleset.knowledge.site_parts(site)}


def _check_effects(ruleset: RuleSet, plan: dict[str, Any], result: dict[str, Any]) -> None:
    """Every kept adjustment is applied, and the ones that change the week visibly do."""
    kept = {r["adjustment"]: r for r in result["recommendations"]}
    applied = {a["adjustment"] for a in plan["applied"]}
    assert set(kept) <= applied, set(kept) - applied
    exercises = _exercises(plan)
    sessions = _sessions(plan)
    knowledge = ruleset.knowledge
    if "insert-deload" in kept:
        percent = kept["insert-deload"]["params"].get("percent", 20)
        assert all(e["load_change_pct"] == -percent and "insert-deload" in e["because"] for e in exercises)
        assert all(s["plyometric_contacts"] == 0 for s in sessions)
        assert plan["total_sets"] <= plan["planned_sets"] * 2 / 3 + 0.5, (plan["total_sets"], plan["planned_sets"])
        assert all(s["intensity"] != "high" for s in sessions)
    if "reduce-load" in kept:
        assert all(e["load_change_pct"] < 0 for e in exercises)
    if "hold-progression" in kept:
        assert all(e["load_change_pct"] <= 0 for e in exercises)
    if "progress-load" in kept and any(e["kind"] == "strength" and not e["new"] for e in exercises):
        assert any(e["load_change_pct"] > 0 for e in exercises)
    if "reduce-frequency" in kept:
        target = kept["reduce-frequency"]["params"].get("sessions_per_week")
        if isinstance(target, int):
            assert len(sessions) <= max(1, target)
    if "refer-to-clinician" in kept:
        referred = _sites(ruleset, result["recommendations"][0]["params"]["site"])
        meanwhile = result["referral"]["meanwhile"]
        if meanwhile == "nothing" or result["referral"]["urgency"] in ("emergency", "same_day"):
            assert not sessions and all(d["running"] == "rest" for d in plan["days"])
        if meanwhile == "away_from_site":
            assert all(set(s["muscle_groups"]) <= UPPER for s in sessions)
        assert all(s["intensity"] == "light" and s["plyometric_contacts"] == 0 for s in sessions)
        assert all(e["load_change_pct"] <= 0 for e in exercises)
        assert not any(set(knowledge.exercises[e["id"]].loads) & referred for e in exercises)
    if "stop-painful-exercise" in kept:
        stopped = _sites(ruleset, kept["stop-painful-exercise"]["params"].get("site", []))
        for e in exercises:
            strength = knowledge.exercises[e["id"]].kind in ("strength", "plyometric", "power")
            assert not (strength and set(knowledge.exercises[e["id"]].loads) & stopped), e["id"]
    if "start-plyometrics" in kept and sessions:
        assert any(s["plyometric_contacts"] > 0 and "start-plyometrics" in s["because"] for s in sessions)
    if "move-gym-to-easy-days" in kept and plan["key_run_days"]:
        moved = [s for s in sessions if "move-gym-to-easy-days" in s["because"]]
        assert (
            moved
            or any(c["id"] == "no-high-on-key-run-day" and not c["holds"] for c in plan["constraints"])
            or all(s["day"] not in plan["key_run_days"] for s in sessions)
        )


def _check_constraints(plan: dict[str, Any]) -> None:
    """Each constraint that says it holds does hold in the week as printed."""
    sessions = _sessions(plan)
    by_id = {c["id"]: c for c in plan["constraints"]}
    spacing = next(c for c in plan["constraints"] if c["id"].startswith("high-load-spacing-"))
    hours = int(spacing["id"].removeprefix("high-load-spacing-").removesuffix("h"))
    high = [s for s in sessions if s["intensity"] == "high"]
    close = [
        (a["day"], b["day"])
        for n, a in enumerate(high)
        for b in high[n + 1 :]
        if set(a["muscle_groups"]) & set(b["muscle_groups"]) and hours_apart(a["day"], b["day"]) < hours
    ]
    assert spacing["holds"] == (not close), (close, spacing)
    key_days = plan["key_run_days"]
    on_key = key_days is not None and any(s["day"] in key_days for s in high)
    if by_id["no-high-on-key-run-day"]["holds"]:
        assert key_days is not None and not on_key
    else:
        assert on_key or key_days is None
        assert by_id["no-high-on-key-run-day"]["detail"]


@pytest.mark.parametrize(("name", "snapshot"), CASES, ids=[name for name, _ in CASES])
def test_every_kept_adjustment_shows_in_the_plan(evaluator: Evaluator, name: str, snapshot: Snapshot) -> None:
    plan, result = _plan(evaluator, snapshot)
    assert [d["day"] for d in plan["days"]] == list(DAYS)
    _check_effects(evaluator.ruleset, plan, result)
    _check_constraints(plan)


def test_the_achilles_flare_up_week(evaluator: Evaluator) -> None:
    plan, _ = _plan(evaluator, read_snapshot(ROOT / "examples" / "achilles-flare-up.yaml"))
    running = {d["day"]: d["running"] for d in plan["days"]}
    assert running["tue"] == running["sat"] == "key"
    assert all(s["day"] not in ("tue", "sat") for s in _sessions(plan))  # moved off the key run day
    names = {e["id"] for e in _exercises(plan)}
    assert "isometric-calf-hold" in names and "standing-calf-raise" not in names
    assert all(c["holds"] for c in plan["constraints"])


def test_a_deload_lowers_each_session_one_step_and_says_why(evaluator: Evaluator) -> None:
    snapshot = validate(
        {
            "athlete_id": "x",
            "date": "2026-11-24",
            "wellbeing": {"fatigue": 5, "sleep_h_avg_7d": 8.0},
            "plan": {
                "phase": "base_strength",
                "key_run_days": ["sat"],
                "weeks_since_deload": 8,
                "gym_sessions": [
                    {"day": "mon", "intensity": "high", "muscle_groups": ["quadriceps", "posterior_chain"]},
                    {"day": "thu", "intensity": "moderate", "muscle_groups": ["calves", "core"]},
                ],
            },
        }
    )
    plan, result = _plan(evaluator, snapshot)
    assert "insert-deload" in {r["adjustment"] for r in result["recommendations"]}
    by_day = {s["day"]: s for s in _sessions(plan)}
    assert by_day["mon"]["intensity"] == "moderate" and by_day["thu"]["intensity"] == "light"
    assert any("lowered from high to moderate: a deload week" in n for n in by_day["mon"]["notes"])
    effect = next(a["effect"] for a in plan["applied"] if a["adjustment"] == "insert-deload")
    assert "mon high -> moderate" in effect and "thu moderate -> light" in effect
    assert plan["total_sets"] <= plan["planned_sets"] * 2 / 3


def test_a_snapshot_without_key_run_days_says_unknown(evaluator: Evaluator) -> None:
    plan, _ = _plan(evaluator, validate({"athlete_id": "x", "date": "2026-11-24"}))
    assert {d["running"] for d in plan["days"]} == {"unknown"}
    assert plan["source"] == "template" and _sessions(plan)


def test_the_template_fills_a_week_with_no_planned_sessions(evaluator: Evaluator) -> None:
    snapshot = validate(
        {"athlete_id": "x", "date": "2026-11-24", "plan": {"phase": "power", "key_run_days": ["tue", "sat"]}}
    )
    plan, _ = _plan(evaluator, snapshot)
    assert plan["source"] == "template"
    assert all(s["day"] not in ("tue", "sat") for s in _sessions(plan))


def test_every_phase_has_a_template_of_known_exercises(ruleset: RuleSet) -> None:
    for name, phase in ruleset.knowledge.phases.items():
        template = phase["template"]
        assert set(template["pool"]) <= set(ruleset.knowledge.exercises), name
        assert phase["sessions_per_week"]["min"] <= len(template["sessions"]) <= phase["sessions_per_week"]["max"], name


def test_a_high_session_on_the_only_free_days_is_reported_broken(evaluator: Evaluator) -> None:
    days = ["mon", "tue", "wed", "thu", "fri", "sat"]
    snapshot = validate(
        {
            "athlete_id": "x",
            "date": "2026-11-24",
            "plan": {
                "phase": "base_strength",
                "key_run_days": days,
                "gym_sessions": [
                    {"day": "tue", "intensity": "high", "muscle_groups": ["quadriceps"]},
                    {"day": "sun", "intensity": "light", "muscle_groups": ["core"]},
                ],
            },
        }
    )
    plan, _ = _plan(evaluator, snapshot)
    _check_constraints(plan)
    first = next(c for c in plan["constraints"] if c["id"] == "no-high-on-key-run-day")
    assert first["holds"] or "broken" in first["detail"]


_day = st.sampled_from(list(DAYS))
_session = st.fixed_dictionaries(
    {
        "day": _day,
        "intensity": st.sampled_from(["light", "moderate", "high"]),
        "muscle_groups": st.lists(
            st.sampled_from(["posterior_chain", "quadriceps", "calves", "hips", "core", "upper_body"]),
            min_size=1,
            max_size=3,
            unique=True,
        ),
    }
)
_planned = st.fixed_dictionaries(
    {"athlete_id": st.just("h"), "date": st.just("2026-11-24")},
    optional={
        "plan": st.fixed_dictionaries(
            {},
            optional={
                "phase": st.sampled_from(["base_strength", "power", "maintenance", "deload", "return_to_run"]),
                "gym_sessions": st.lists(_session, max_size=4),
                "key_run_days": st.lists(_day, max_size=3, unique=True),
                "weeks_since_deload": st.integers(0, 10),
            },
        ),
        "symptoms": st.fixed_dictionaries(
            {},
            optional={
                "red_flags": st.lists(
                    st.sampled_from(["night_pain", "hop_pain", "limp", "missed_periods"]), max_size=1
                ),
                "tendon": st.lists(
                    st.fixed_dictionaries(
                        {"site": st.sampled_from(["achilles", "patellar"]), "pain_during_load": st.integers(0, 9)}
                    ),
                    max_size=1,
                ),
                "soreness": st.just([]),
                "sharp_joint_pain": st.lists(
                    st.fixed_dictionaries(
                        {"joint": st.sampled_from(["knee", "hip", "ankle"]), "level": st.integers(0, 8)}
                    ),
                    max_size=1,
                ),
            },
        ),
        "wellbeing": st.fixed_dictionaries(
            {"sleep_h_avg_7d": st.sampled_from([5.5, 6.5, 8.0]), "fatigue": st.integers(1, 5)}
        ),
        "metrics": st.fixed_dictionaries({"reps_above_target": st.integers(0, 3)}),
    },
)


def _properties(evaluator: Evaluator, snapshot: Snapshot) -> None:
    plan, result = _plan(evaluator, snapshot)
    exercises = _exercises(plan)
    if any(r["direction"] == "decrease" for r in result["recommendations"]):
        assert all(e["load_change_pct"] <= 0 for e in exercises)
    if plan["referred_sites"]:
        referred = _sites(evaluator.ruleset, plan["referred_sites"])
        assert not any(set(evaluator.ruleset.knowledge.exercises[e["id"]].loads) & referred for e in exercises)
    _check_constraints(plan)
    _check_effects(evaluator.ruleset, plan, result)
    assert json.dumps(plan, sort_keys=True) == json.dumps(_plan(evaluator, snapshot)[0], sort_keys=True)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=_planned)
def test_properties_on_planned_weeks(evaluator: Evaluator, data: dict[str, Any]) -> None:
    _properties(evaluator, validate(data))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=snapshots)
def test_properties_on_any_snapshot(evaluator: Evaluator, data: dict[str, Any]) -> None:
    _properties(evaluator, validate(data))


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_the_command_prints_each_format_the_same_every_time(fmt: str) -> None:
    path = str(ROOT / "examples" / "achilles-flare-up.yaml")
    runs = [CliRunner().invoke(cli, ["plan", path, "--format", fmt]) for _ in range(2)]
    assert runs[0].exit_code == 0, runs[0].output
    assert runs[0].output == runs[1].output
    if fmt == "json":
        data = json.loads(runs[0].output)
        assert [d["day"] for d in data["days"]] == list(DAYS)
        assert {"athlete_id", "date", "status", "days", "constraints"} <= set(data)
    else:
        assert "Constraints" in runs[0].output and "wed" in runs[0].output


def test_ics_without_icalendar_exits_2_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "icalendar", None)
    run = CliRunner().invoke(cli, ["plan", str(ROOT / "examples" / "achilles-flare-up.yaml"), "-f", "ics"])
    assert run.exit_code == 2
    assert "plan-calendar" in run.output


def test_ics_has_one_event_per_session(evaluator: Evaluator) -> None:
    pytest.importorskip("icalendar")
    from runstrong.plan.calendar import render_ics

    plan, _ = _plan(evaluator, read_snapshot(ROOT / "examples" / "achilles-flare-up.yaml"))
    text = render_ics(plan)
    assert text.count("BEGIN:VEVENT") == len(_sessions(plan))
    assert text == render_ics(plan)


def _block(evaluator: Evaluator, snapshot: Snapshot, weeks: int) -> list[dict[str, Any]]:
    from runstrong.plan.block import build_block

    return build_block(evaluator.ruleset, evaluator.evaluate(snapshot), weeks)


def test_week_one_of_the_block_is_the_plan_byte_for_byte() -> None:
    path = str(ROOT / "examples" / "achilles-flare-up.yaml")
    one = CliRunner().invoke(cli, ["plan", path, "-f", "json"])
    four = CliRunner().invoke(cli, ["plan", path, "-f", "json", "--weeks", "4"])
    assert one.exit_code == four.exit_code == 0, four.output
    weeks = json.loads(four.output)["weeks"]
    assert len(weeks) == 4
    assert json.dumps(weeks[0], indent=2, sort_keys=True, ensure_ascii=False) + "\n" == one.output
    assert "projection" not in weeks[0]
    assert all(w["projection"] is True and "next check-in will revise" in w["revise"] for w in weeks[1:])
    assert [w["date"] for w in weeks] == ["2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15"]
    text = CliRunner().invoke(cli, ["plan", path, "--weeks", "4"]).output
    assert text.count("PROJECTION") == 3 and "the next check-in will revise it" in text
    assert CliRunner().invoke(cli, ["plan", path, "--weeks", "13"]).exit_code == 2
    assert CliRunner().invoke(cli, ["plan", path, "--weeks", "2", "-f", "ics"]).exit_code == 2


def test_the_block_progresses_the_phase_before_the_race_and_caps_the_load(evaluator: Evaluator) -> None:
    healthy = read_snapshot(ROOT / "examples" / "healthy-base-week4.yaml")
    data = json.loads(json.dumps(dict(healthy)))
    data["plan"].update(weeks_in_phase=5, weeks_since_deload=1, race_in_days=70)
    weeks = _block(evaluator, validate(data), 10)
    phases = [w["phase"] for w in weeks]
    assert phases[0] == "base_strength" and "power" in phases and phases[-1] == "maintenance"
    assert phases.index("power") < phases.index("maintenance")
    for week in weeks[1:]:
        changes = [e["load_change_pct"] for e in _exercises(week)]
        assert all(c <= 5 for c in changes)
        if week["deload"]:
            assert all(c < 0 for c in changes) and all(s["intensity"] != "high" for s in _sessions(week))
    assert any(w["deload"] for w in weeks[1:])


def _deload_weeks_since(snapshot: Snapshot) -> int | None:
    value = (snapshot.get("plan") or {}).get("weeks_since_deload")
    return None if value is None else int(value)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=_planned)
def test_block_properties(evaluator: Evaluator, data: dict[str, Any]) -> None:
    snapshot = validate(data)
    weeks = _block(evaluator, snapshot, 8)
    plan, result = _plan(evaluator, snapshot)
    assert json.dumps(weeks[0], sort_keys=True) == json.dumps(plan, sort_keys=True)
    kept = {r["adjustment"] for r in result["recommendations"]}
    if any(r["direction"] == "decrease" for r in result["recommendations"]):
        for before, week in itertools.pairwise(weeks):
            assert all(e["load_change_pct"] <= 0 for e in _exercises(week))
            assert week["total_sets"] <= before["total_sets"]
    first = "insert-deload" in kept or weeks[0]["phase"] == "deload"  # week 1 is a deload
    deloads = [n for n, w in enumerate(weeks, 1) if (w.get("deload") if n > 1 else first)]
    since = _deload_weeks_since(snapshot)
    first_due = 2 if since is None else max(2, 6 - since)
    last = 1 if first else None
    for n in range(2, len(weeks) + 1):
        if n in deloads:
            last = n
        elif last is None:
            assert n < first_due or n in deloads, (n, deloads, since)
        else:
            assert n - last < 6, (n, deloads, since)
    for week in weeks[1:]:
        _check_constraints(week)
        if week["deload"]:
            previous = weeks[week["week"] - 2]
            assert week["total_sets"] <= previous["total_sets"] * 2 / 3 + 0.5
            assert all(s["intensity"] != "high" for s in _sessions(week))


def test_a_referral_that_stops_running_leaves_no_run_in_the_week(evaluator: Evaluator) -> None:
    snapshot = validate(
        {
            "athlete_id": "n",
            "date": "2026-11-24",
            "symptoms": {"red_flags": ["night_pain"]},
            "plan": {"key_run_days": ["tue", "sat"], "gym_sessions": [{"day": "mon", "intensity": "high"}]},
        }
    )
    plan, _ = _plan(evaluator, snapshot)
    assert {day["running"] for day in plan["days"]} == {"rest"}
    assert any("no running until a clinician" in note for note in plan["notes"])
