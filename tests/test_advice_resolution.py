"""The advice a person acts on: resolved by the catalogue's data, safe under a referral,
consistent, site-specific and short. Properties over generated athletes, then examples."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.advice.result import recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.conflicts import unresolved_conflicts
from runstrong.rules.model import RuleSet
from runstrong.rules.programming_schema import PLAN_EFFECTS
from runstrong.snapshot.validation import read_snapshot, snapshot_schema, validate
from strategies import snapshots

ROOT = Path(__file__).resolve().parent.parent
RED_FLAGS = snapshot_schema()["properties"]["symptoms"]["properties"]["red_flags"]["items"]["enum"]
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEALTHY = read_snapshot(ROOT / "examples" / "healthy-base-week4.yaml")

#: One symptom added to a runner who is otherwise ready to progress, so that increases and
#: decreases meet.
ONE_SYMPTOM = st.one_of(
    st.builds(lambda flag: ("symptoms", "red_flags", [flag]), st.sampled_from(RED_FLAGS)),
    st.builds(
        lambda site, pain: ("symptoms", "tendon", [{"site": site, "pain_during_load": pain}]),
        st.sampled_from(["achilles", "patellar"]),
        st.integers(0, 10),
    ),
    st.builds(
        lambda joint, level: ("symptoms", "sharp_joint_pain", [{"joint": joint, "level": level}]),
        st.sampled_from(["foot", "ankle", "knee", "hip", "lower_back"]),
        st.integers(0, 10),
    ),
    st.builds(
        lambda region, level, trend: ("symptoms", "soreness", [{"region": region, "level": level, "trend": trend}]),
        st.sampled_from(["foot", "achilles", "calf", "shin", "knee", "hamstring", "hip", "lower_back"]),
        st.integers(0, 10),
        st.sampled_from(["rising", "stable", "falling"]),
    ),
    st.builds(lambda hours: ("wellbeing", "sleep_h_avg_7d", hours), st.floats(3, 9, allow_nan=False)),
    st.builds(lambda km: ("running", "week_km", km), st.integers(20, 80)),
)


def _with(snapshot: dict[str, Any], change: tuple[str, str, Any]) -> dict[str, Any]:
    section, name, value = change
    changed = copy.deepcopy(snapshot)
    changed.setdefault(section, {})[name] = value
    return validate(changed)


athletes = st.one_of(snapshots, st.builds(_with, st.just(HEALTHY), ONE_SYMPTOM))


def _kept(ruleset: RuleSet, result: dict[str, Any]) -> list[Any]:
    return [ruleset.knowledge.adjustments[rec["adjustment"]] for rec in result["recommendations"]]


@FAST
@given(athletes)
def test_under_a_referral_nothing_kept_loads_the_referred_site_or_increases(
    evaluator: Evaluator, snapshot: dict[str, Any]
) -> None:
    result = recommend(evaluator, validate(snapshot))
    recs = {rec["adjustment"]: rec for rec in result["recommendations"]}
    if "refer-to-clinician" not in recs:
        return
    knowledge = evaluator.ruleset.knowledge
    referred = {part for site in recs["refer-to-clinician"]["params"]["site"] for part in knowledge.site_parts(site)}
    assert result["status"] == "red"
    for adjustment in _kept(evaluator.ruleset, result):
        assert adjustment.direction != "increase", adjustment.id
        assert adjustment.id == "refer-to-clinician" or adjustment.with_referral != "suppress", adjustment.id
    for rec in recs.values():
        for exercise in rec["exercises"]:
            assert not set(knowledge.exercises[exercise["key"]].loads) & referred, (rec["adjustment"], exercise)
    assert result["summary"]["actions"][0]["adjustment"] == "refer-to-clinician"


@FAST
@given(athletes)
def test_no_two_kept_recommendations_disagree_and_the_summary_is_short(
    evaluator: Evaluator, snapshot: dict[str, Any]
) -> None:
    result = recommend(evaluator, validate(snapshot))
    kept = _kept(evaluator.ruleset, result)
    for a in kept:
        for b in kept:
            assert b.id not in a.overrides + a.subsumes, (a.id, b.id)
            shared = set(a.effects) & set(b.effects) - set(PLAN_EFFECTS)  # the plan's effects add up
            assert all(a.effects[e] == b.effects[e] for e in shared), (a.id, b.id)
    actions = result["summary"]["actions"]
    assert 1 <= len(actions) <= 3
    given_ids = {rec["adjustment"] for rec in result["recommendations"]}
    assert all(action["adjustment"] in given_ids for action in actions if action["adjustment"] is not None)
    assert (actions[0]["adjustment"] is None) == (not given_ids)


@FAST
@given(athletes)
def test_no_kept_exercise_loads_a_painful_site_with_strength_or_jumping(
    evaluator: Evaluator, snapshot: dict[str, Any]
) -> None:
    result = recommend(evaluator, validate(snapshot))
    knowledge = evaluator.ruleset.knowledge
    stopped = {
        part
        for rec in result["recommendations"]
        if rec["adjustment"] == "stop-painful-exercise"
        for site in rec["params"].get("site", [])
        for part in knowledge.site_parts(site)
    }
    for rec in result["recommendations"]:
        for exercise in rec["exercises"]:
            entry = knowledge.exercises[exercise["key"]]
            if entry.kind in ("strength", "plyometric", "power"):
                assert not set(entry.loads) & stopped, (rec["adjustment"], entry.key)


def test_the_bundled_catalogue_declares_a_resolution_for_every_conflict(ruleset: RuleSet) -> None:
    given_ids = {a for rule in ruleset.rules for a in rule.adjustments}
    assert unresolved_conflicts(ruleset.knowledge, given_ids) == []
    hold = ruleset.knowledge.adjustments["hold-progression"]
    without = dataclasses.replace(hold, overrides=tuple(o for o in hold.overrides if o != "single-leg-work"))
    knowledge = dataclasses.replace(
        ruleset.knowledge, adjustments={**ruleset.knowledge.adjustments, "hold-progression": without}
    )
    assert ("hold-progression", "single-leg-work", "new_work") in unresolved_conflicts(knowledge, given_ids)


def test_every_applies_when_is_a_conclusion_a_bundled_rule_gives(ruleset: RuleSet) -> None:
    needed = {a.applies_when for a in ruleset.knowledge.adjustments.values() if a.applies_when}
    assert needed and needed <= ruleset.conclusions


def _achilles(**plan: Any) -> dict[str, Any]:
    snapshot = copy.deepcopy(read_snapshot(ROOT / "examples" / "achilles-flare-up.yaml"))
    snapshot["plan"].update(plan)
    return validate(snapshot)


def test_plan_advice_appears_only_when_the_plan_gives_it_something_to_act_on(evaluator: Evaluator) -> None:
    no_clash = _achilles(
        gym_sessions=[
            {"day": "mon", "intensity": "high", "muscle_groups": ["calves"], "plyometric_contacts": 0},
            {"day": "thu", "intensity": "high", "muscle_groups": ["quadriceps"], "plyometric_contacts": 0},
        ],
        key_run_days=["tue", "sat"],
    )
    result = recommend(evaluator, no_clash)
    given_ids = {rec["adjustment"] for rec in result["recommendations"]}
    held = {s["adjustment"]: s for s in result["suppressed"]}
    assert "move-gym-to-easy-days" not in given_ids
    assert "pause-plyometrics" in held
    unknown_plan = copy.deepcopy(no_clash)
    del unknown_plan["plan"]["gym_sessions"]
    result = recommend(evaluator, validate(unknown_plan))
    suppressed = {s["adjustment"]: s for s in result["suppressed"]}
    assert "plan" not in suppressed.get("pause-plyometrics", {}).get("suppressed_by", [])


def test_a_deload_is_one_instruction_that_carries_the_folded_numbers(evaluator: Evaluator) -> None:
    result = recommend(evaluator, _achilles())
    recs = {rec["adjustment"]: rec for rec in result["recommendations"]}
    held = {s["adjustment"]: s for s in result["suppressed"]}
    assert "insert-deload" in recs
    for folded in ("reduce-load", "hold-progression", "reduce-frequency"):
        assert folded not in recs and held[folded]["suppressed_by"] == ["insert-deload"], folded
    assert recs["insert-deload"]["params"]["percent"] == 20
    assert "20 % lighter" in recs["insert-deload"]["do"]


def test_an_achilles_flare_keeps_no_heel_raise_in_the_warm_up(evaluator: Evaluator) -> None:
    result = recommend(evaluator, _achilles())
    warm_up = next(rec for rec in result["recommendations"] if rec["adjustment"] == "activation-warmup")
    assert "single-leg-heel-raise" not in [e["key"] for e in warm_up["exercises"]]
    stop = next(rec for rec in result["recommendations"] if rec["adjustment"] == "stop-painful-exercise")
    assert stop["do"].startswith("Achilles: stop calf raises")
    assert "Achilles pain 6/10 during loading (acceptable up to 5/10)" in stop["because"]


def test_too_little_data_has_a_status_of_its_own(evaluator: Evaluator) -> None:
    result = recommend(evaluator, validate({"athlete_id": "x", "date": "2026-11-24"}))
    assert result["status"] == "insufficient-data"
    assert result["summary"]["headline"].startswith("NOT ENOUGH INFORMATION")
    assert result["unknown"][0]["field"] == "symptoms.red_flags"
    assert [a["adjustment"] for a in result["summary"]["actions"]] == ["hold-progression"]


def test_a_suspected_rupture_is_seen_today_and_nothing_is_scheduled_until_then(evaluator: Evaluator) -> None:
    snapshot = _with(HEALTHY, ("symptoms", "red_flags", ["achilles_pop"]))
    result = recommend(evaluator, snapshot)
    referral = result["recommendations"][0]
    assert referral["adjustment"] == "refer-to-clinician"
    assert "the emergency department" in referral["do"] and "today" in referral["do"]
    assert "no training and no running" in referral["do"]
    assert result["summary"]["headline"] == "RED: see the emergency department today, no training until then"
    assert result["referral"]["urgency"] == "same_day" and result["referral"]["meanwhile"] == "nothing"
    held = {s["adjustment"] for s in result["suppressed"]}
    assert {"activation-warmup", "mobility-cooldown"} <= held
    assert [rec["adjustment"] for rec in result["recommendations"]] == ["refer-to-clinician"]  # nothing beside it


def test_a_healthy_complete_snapshot_gets_a_short_advice_with_progress_first(evaluator: Evaluator) -> None:
    result = recommend(evaluator, HEALTHY)
    assert result["status"] == "green" and len(result["recommendations"]) <= 4
    assert result["summary"]["actions"][0]["adjustment"] == "progress-load"
    assert result["summary"]["headline"] == "GREEN: train as planned, and progress"


def test_a_referral_says_how_soon_and_why_each_item_was_held_back(evaluator: Evaluator) -> None:
    """Survivors of the first mutation run: urgency, the suppression reasons, the plan label."""
    night = recommend(evaluator, _with(HEALTHY, ("symptoms", "red_flags", ["night_pain"])))
    assert "This week" in night["recommendations"][0]["do"] and "today" not in night["recommendations"][0]["do"]
    assert all(
        s["reason"] == "held back until the athlete has been assessed (the referral covers it)"
        for s in night["suppressed"]
    )
    deload = recommend(evaluator, _achilles())
    held = {s["adjustment"]: s for s in deload["suppressed"]}
    assert held["reduce-load"]["reason"] == "included in “Insert a deload week”"
    no_jumps = recommend(
        evaluator,
        _achilles(
            gym_sessions=[{"day": "mon", "intensity": "light", "muscle_groups": ["core"], "plyometric_contacts": 0}]
        ),
    )
    plan_held = {s["adjustment"]: s for s in no_jumps["suppressed"]}
    assert plan_held["pause-plyometrics"]["suppressed_by"] == ["plan"]
    assert plan_held["pause-plyometrics"]["reason"] == "the planned week gives it nothing to act on"


def test_a_referral_for_low_energy_availability_is_a_doctor_with_a_dietitian_and_light_training(
    evaluator: Evaluator,
) -> None:
    """Not the musculoskeletal referral: no sore area to spare, a doctor with a dietitian, and no
    numbers to eat to."""
    result = recommend(evaluator, _with(HEALTHY, ("energy", "menstrual_status", "absent")))
    referral = result["recommendations"][0]
    assert referral["adjustment"] == "refer-to-clinician" and referral["params"]["site"] == []
    assert "a doctor or a sports physician (with a sports dietitian)" in referral["do"]
    assert "foam rolling" not in referral["do"] and "keep running easy" in referral["do"]
    assert result["referral"]["meanwhile"] == "reduced" and result["referral"]["with"] == ["dietitian"]
    kept = {rec["adjustment"]: rec for rec in result["recommendations"]}
    assert "recovery-nutrition" not in kept and "fuel-for-training" in kept
    assert not re.search(r"\d+(\.\d+)? ?g\b", " ".join(rec["do"] for rec in result["recommendations"]))


def test_each_exercise_that_loads_a_stopped_site_is_dropped_not_only_the_first(evaluator: Evaluator) -> None:
    result = recommend(evaluator, _achilles())
    cooldown = next(rec for rec in result["recommendations"] if rec["adjustment"] == "mobility-cooldown")
    warmup = next(rec for rec in result["recommendations"] if rec["adjustment"] == "activation-warmup")
    assert [e["key"] for e in warmup["exercises"]] == ["hip-hinge-drill", "glute-bridge", "banded-lateral-walk"]
    assert cooldown["exercises"] == []  # no rolling over the stopped (painful) Achilles


def test_a_painful_knee_drops_each_knee_strength_exercise_and_keeps_the_rest(evaluator: Evaluator) -> None:
    result = recommend(evaluator, _with(HEALTHY, ("symptoms", "sharp_joint_pain", [{"joint": "knee", "level": 5}])))
    recs = {rec["adjustment"]: rec for rec in result["recommendations"]}
    assert recs["stop-painful-exercise"]["params"]["site"] == ["knee"]
    warmup = [e["key"] for e in recs["activation-warmup"]["exercises"]]
    assert "banded-lateral-walk" not in warmup  # loads the knee
    assert "single-leg-heel-raise" in warmup  # listed after it, and loads no knee


def test_advice_kept_away_from_a_referred_site_is_reported_when_nothing_of_it_is_left(ruleset: RuleSet) -> None:
    """A referral for the lower back leaves upper-body and core emphasis with only the exercises
    that spare it; when none is left, the advice is held back and said so, not dropped silently."""
    snapshot = copy.deepcopy(read_snapshot(ROOT / "examples" / "achilles-flare-up.yaml"))
    snapshot["symptoms"]["sharp_joint_pain"] = [{"joint": "lower_back", "level": 9}]
    spared = recommend(Evaluator(ruleset), validate(snapshot))
    core = next(rec for rec in spared["recommendations"] if rec["adjustment"] == "upper-body-core-emphasis")
    assert [e["key"] for e in core["exercises"]] == ["push-up", "dumbbell-row", "medicine-ball-throw"]
    emphasis = ruleset.knowledge.adjustments["upper-body-core-emphasis"]
    only_trunk = dataclasses.replace(emphasis, exercises=("dead-bug", "pallof-press"))
    knowledge = dataclasses.replace(
        ruleset.knowledge, adjustments={**ruleset.knowledge.adjustments, emphasis.id: only_trunk}
    )
    result = recommend(Evaluator(dataclasses.replace(ruleset, knowledge=knowledge)), validate(snapshot))
    assert "upper-body-core-emphasis" not in [rec["adjustment"] for rec in result["recommendations"]]
    held = {s["adjustment"]: s for s in result["suppressed"]}
    assert held["upper-body-core-emphasis"]["suppressed_by"] == ["refer-to-clinician"]
    assert held["upper-body-core-emphasis"]["reason"] == "every exercise it lists loads the referred site"
