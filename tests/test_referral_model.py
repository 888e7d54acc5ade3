"""The referral model: every red flag says how urgent it is, who assesses it and what continues
meanwhile; the advice, the plan and the CDS card follow from it, and adding a red flag never makes
the advice less urgent."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.advice.result import build_result
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.build import build_plan
from runstrong.rules.referral_model import MEANWHILE, URGENCIES
from runstrong.rules.ruleset import load_ruleset
from runstrong.snapshot.partial import red_flag_names
from runstrong.snapshot.validation import validate, validation_problems
from runstrong.util.errors import RuleSetError
from runstrong.util.paths import default_knowledge_dir, default_rules_dir
from strategies import snapshots

FLAGS = red_flag_names()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _evaluate(evaluator: Evaluator, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    evaluation = evaluator.evaluate(validate(data))
    return build_result(evaluator.ruleset, evaluation), build_plan(evaluator.ruleset, evaluation)


def _with_flags(flags: list[str]) -> dict[str, Any]:
    return {
        "athlete_id": "r",
        "date": "2026-11-24",
        "symptoms": {"red_flags": flags},
        "plan": {
            "phase": "base_strength",
            "key_run_days": ["sat"],
            "gym_sessions": [
                {"day": "mon", "intensity": "high", "muscle_groups": ["quadriceps", "posterior_chain"]},
                {"day": "thu", "intensity": "light", "muscle_groups": ["upper_body", "core"]},
            ],
        },
    }


def test_every_red_flag_of_the_snapshot_has_its_referral(evaluator: Evaluator) -> None:
    knowledge = evaluator.ruleset.knowledge
    for flag in FLAGS:
        entry = knowledge.red_flags[flag]
        assert entry.urgency in URGENCIES and entry.assessors and entry.meanwhile in MEANWHILE, flag
        assert entry.question.endswith("?") and entry.clinician, flag
        result, _ = _evaluate(evaluator, _with_flags([flag]))
        assert result["status"] == "red", flag
        assert flag in [f["flag"] for f in result["referral"]["flags"]] or any(
            flag in knowledge.red_flags[f["flag"]].includes for f in result["referral"]["flags"]
        ), flag


@pytest.mark.parametrize(
    ("flags", "urgency", "first", "meanwhile"),
    [
        (["exertional_chest_pain"], "emergency", "emergency_department", "nothing"),
        (["calf_swelling_warmth"], "same_day", "emergency_department", "nothing"),
        (["joint_swelling", "joint_warmth"], "same_day", "emergency_department", "nothing"),
        (["joint_swelling", "fever"], "same_day", "emergency_department", "nothing"),
        (["focal_bone_tenderness", "hop_pain"], "this_week", "sports_physician", "away_from_site"),
        (["joint_swelling"], "this_week", "sports_physician", "away_from_site"),
        (["night_sweats"], "this_week", "doctor", "reduced"),
        (["saddle_numbness", "night_pain"], "emergency", "emergency_department", "nothing"),
    ],
)
def test_urgency_assessor_and_what_continues(
    evaluator: Evaluator, flags: list[str], urgency: str, first: str, meanwhile: str
) -> None:
    result, plan = _evaluate(evaluator, _with_flags(flags))
    referral = result["referral"]
    assert (referral["urgency"], referral["assessors"][0], referral["meanwhile"]) == (urgency, first, meanwhile)
    sessions = [s for day in plan["days"] for s in day["sessions"]]
    if meanwhile == "nothing":
        assert not sessions and all(day["running"] == "rest" for day in plan["days"])
        assert "no training and no running" in result["recommendations"][0]["do"]
    if meanwhile == "away_from_site":
        assert all(set(s["muscle_groups"]) <= {"upper_body", "core"} for s in sessions)


def test_a_suspected_clot_is_seen_today_not_a_physiotherapy_booking(evaluator: Evaluator) -> None:
    result, plan = _evaluate(evaluator, _with_flags(["calf_swelling_warmth"]))
    text = result["recommendations"][0]["do"]
    assert "today" in text and "the emergency department or a doctor" in text and "physiotherapist" not in text
    assert "call the emergency number" in text and "Do not massage" in text
    assert result["summary"]["headline"] == "RED: see the emergency department today, no training until then"
    assert [rec["adjustment"] for rec in result["recommendations"]] == ["refer-to-clinician"]
    assert result["unknown"] == []
    assert not [s for day in plan["days"] for s in day["sessions"]]


def test_a_misspelt_red_flag_is_never_turned_into_another_one() -> None:
    for given_flag in ("chest_pain", "rest_pains", "night-pain", "hop", "feverish", "calf_swelling"):
        problems = validation_problems(
            {"athlete_id": "a", "date": "2026-11-24", "symptoms": {"red_flags": [given_flag]}}
        )
        assert problems and all("did you mean" not in str(p) for p in problems), given_flag
        assert all("night_pain" in str(p) and "exertional_chest_pain" in str(p) for p in problems)


@SETTINGS
@given(data=snapshots, extra=st.lists(st.sampled_from(FLAGS), max_size=3))
def test_a_referral_is_never_less_urgent_when_a_red_flag_is_added(
    evaluator: Evaluator, data: dict[str, Any], extra: list[str]
) -> None:
    """Every referral has an urgency and an assessor; an emergency or same-day one schedules no
    training; adding red flags never lowers the urgency nor loosens what continues meanwhile."""
    before, plan = _evaluate(evaluator, data)
    symptoms = dict(data.get("symptoms") or {})
    symptoms["red_flags"] = sorted({*(symptoms.get("red_flags") or []), *extra})
    after, _ = _evaluate(evaluator, {**data, "symptoms": symptoms})
    for result in (before, after):
        referral = result["referral"]
        assert (referral is None) == (result["status"] != "red")
        if referral:
            assert referral["urgency"] in URGENCIES and referral["assessors"]
    if before["referral"]:
        assert after["referral"] is not None
        assert URGENCIES.index(after["referral"]["urgency"]) <= URGENCIES.index(before["referral"]["urgency"])
        assert MEANWHILE.index(after["referral"]["meanwhile"]) <= MEANWHILE.index(before["referral"]["meanwhile"])
        if before["referral"]["urgency"] in ("emergency", "same_day"):
            assert not [s for day in plan["days"] for s in day["sessions"]]
            assert all(day["running"] == "rest" for day in plan["days"])


def _copy_knowledge(tmp_path: Path) -> Path:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), knowledge)
    return knowledge


def test_rules_check_refuses_a_red_flag_without_urgency_or_assessor(tmp_path: Path) -> None:
    knowledge = _copy_knowledge(tmp_path)
    path = knowledge / "red_flags.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["night_pain"]["urgency"]
    del data["rest_pain"]["assessor"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(default_rules_dir(), knowledge)
    text = str(refused.value)
    assert "night_pain" in text and "urgency" in text and "rest_pain" in text and "assessor" in text


def test_rules_check_refuses_a_same_day_referral_that_lets_training_continue(tmp_path: Path) -> None:
    knowledge = _copy_knowledge(tmp_path)
    path = knowledge / "red_flags.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["calf_swelling_warmth"]["meanwhile"] = "reduced"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(RuleSetError, match="calf_swelling_warmth: an emergency or same-day referral schedules nothing"):
        load_ruleset(default_rules_dir(), knowledge)


def test_the_cds_docs_list_every_red_flag_with_its_urgency(evaluator: Evaluator) -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "cds-hooks.md").read_text(encoding="utf-8")
    words = {"emergency": "emergency, now", "same_day": "same day", "this_week": "this week"}
    for flag in FLAGS:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{flag}` |"))
        assert f"| {words[evaluator.ruleset.knowledge.red_flags[flag].urgency]} |" in row, flag
