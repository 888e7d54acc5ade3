"""`runstrong plan --weeks N` and `--format ics`: each projected week is planned again from the state
projected for it (never a copy of week 1), deloads do not cut the volume for good, the race shapes
the block (taper, last heavy session, nothing new, no gym in its last days), and the calendar says
the same doses in words on the right dates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from plan_helpers import athletes, check_week, main_items, race_rules, sessions
from runstrong.advice.result import build_result
from runstrong.cli.main import cli
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.block import build_block
from runstrong.snapshot.validation import Snapshot, read_snapshot, validate

ROOT = Path(__file__).resolve().parent.parent
ACHILLES = ROOT / "examples" / "achilles-flare-up.yaml"


def _block(evaluator: Evaluator, snapshot: Snapshot, weeks: int) -> list[dict[str, Any]]:
    return build_block(evaluator.ruleset, evaluator.evaluate(snapshot), weeks)


def _masters(race_in_days: int) -> Snapshot:
    return validate(
        {
            "athlete_id": "m",
            "date": "2026-11-24",
            "profile": {"age": 56, "strength_training_years": 4},
            "plan": {
                "phase": "base_strength",
                "weeks_in_phase": 8,
                "weeks_since_deload": 3,
                "race_in_days": race_in_days,
                "key_run_days": ["wed"],
                "long_run_day": "sun",
                "gym_sessions": [
                    {"day": "mon", "intensity": "high", "muscle_groups": ["quadriceps", "posterior_chain"]},
                    {"day": "fri", "intensity": "moderate", "muscle_groups": ["calves", "core"]},
                ],
            },
            "wellbeing": {"sleep_h_avg_7d": 7.8, "fatigue": 2},
            "symptoms": {"soreness": [], "tendon": [], "sharp_joint_pain": [], "red_flags": []},
            "metrics": {"reps_above_target": 2, "heel_raise_reps": {"left": 18, "right": 19}},
            "running": {"week_km": 70, "prev_week_km": 68},
        }
    )


def test_week_one_of_the_block_is_the_plan_byte_for_byte() -> None:
    one = CliRunner().invoke(cli, ["plan", str(ACHILLES), "-f", "json"])
    four = CliRunner().invoke(cli, ["plan", str(ACHILLES), "-f", "json", "--weeks", "4"])
    assert one.exit_code == four.exit_code == 0, four.output
    weeks = json.loads(four.output)["weeks"]
    assert json.dumps(weeks[0], indent=2, sort_keys=True, ensure_ascii=False) + "\n" == one.output
    assert all(w["projection"] is True and "next check-in will revise" in w["revise"] for w in weeks[1:])
    assert [w["date"] for w in weeks] == ["2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15"]
    text = CliRunner().invoke(cli, ["plan", str(ACHILLES), "--weeks", "4"]).output
    assert text.count("PROJECTION") == 3 and "Projected:" in text
    assert CliRunner().invoke(cli, ["plan", str(ACHILLES), "--weeks", "13"]).exit_code == 2


def test_projections_are_planned_again_and_a_deload_does_not_cut_the_volume_for_good(evaluator: Evaluator) -> None:
    weeks = _block(evaluator, read_snapshot(ACHILLES), 12)
    assert weeks[0]["advice"] != weeks[1]["advice"]  # week 2 has its own advice, from its projected state
    deloads = [n for n, w in enumerate(weeks[1:], 2) if w["deload"]]
    assert deloads and all(b - a >= 4 for a, b in zip([1, *deloads], deloads, strict=False))
    after = [w["total_sets"] for n, w in enumerate(weeks, 1) if n > 1 and n not in deloads]
    assert min(after) >= weeks[0]["total_sets"]  # the volume comes back after each deload
    assert any("settle" in a for w in weeks[1:] for a in w["projected"])


def test_a_masters_marathoner_21_days_out_gets_nothing_new_and_a_taper(evaluator: Evaluator) -> None:
    snapshot = _masters(21)
    result = build_result(evaluator.ruleset, evaluator.evaluate(snapshot))
    kept = {r["adjustment"] for r in result["recommendations"]}
    assert not kept & {"progress-load", "calf-stiffness-work", "advance-phase", "start-plyometrics"}
    weeks = _block(evaluator, snapshot, 5)
    for week in weeks:
        check_week(evaluator.ruleset, week, result if week is weeks[0] else _advice(evaluator, week), masters=True)
    for n, week in enumerate(weeks[:4]):
        race_rules(week, 21 - 7 * n)
        days = [d["day"] for d in week["days"]]
        for session in sessions(week):
            to_race = 21 - 7 * n - days.index(session["day"])  # the week starts on the snapshot's date
            assert to_race > 2, (n, session["day"])  # no gym in the last two days before the race
            if to_race < 10:
                assert not session["heavy_legs"]
    assert weeks[3]["race_day"] == "tue" and weeks[4]["phase"] == "deload"  # recovery after the race
    assert any("taper" in note for note in weeks[1]["notes"])


def _advice(evaluator: Evaluator, week: dict[str, Any]) -> dict[str, Any]:
    """A projected week's own advice, for the week checks (its kept ids are in the week)."""
    return {
        "recommendations": [
            {
                "adjustment": a,
                "direction": evaluator.ruleset.knowledge.adjustments[a].direction,
                "group": "",
                "exercises": [],
            }
            for a in week["advice"]
        ]
    }


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=athletes)
def test_block_properties(evaluator: Evaluator, data: dict[str, Any]) -> None:
    snapshot = validate(data)
    weeks = _block(evaluator, snapshot, 5)
    race = (data.get("plan") or {}).get("race_in_days")
    for n, week in enumerate(weeks):
        check_week(evaluator.ruleset, week, _advice(evaluator, week))
        if race is not None and race - 7 * n >= 0:
            race_rules(week, race - 7 * n)
        assert all(e["dose"]["sets"] >= 1 for e in main_items(week))


def test_ics_has_every_session_and_home_day_on_its_date_in_words(evaluator: Evaluator) -> None:
    pytest.importorskip("icalendar")
    from runstrong.plan.calendar import render_ics

    weeks = _block(evaluator, read_snapshot(ACHILLES), 2)
    text = render_ics({"weeks": weeks})
    count = sum(len(sessions(w)) + 7 * bool(w["daily"]) for w in weeks)
    assert text.count("BEGIN:VEVENT") == count
    assert "DTSTART;VALUE=DATE:20261126" in text
    assert "stop-painful-exercise" not in text and "insert-deload" not in text
    assert "5 x 45 s" in text.replace("\r\n ", "")
    run = CliRunner().invoke(cli, ["plan", str(ACHILLES), "--weeks", "2", "-f", "ics"])
    assert run.exit_code == 0 and run.output.count("BEGIN:VEVENT") == count


def test_ics_without_icalendar_exits_2_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "icalendar", None)
    run = CliRunner().invoke(cli, ["plan", str(ACHILLES), "-f", "ics"])
    assert run.exit_code == 2
    assert "plan-calendar" in run.output
