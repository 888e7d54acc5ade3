"""Return to run, staged tendon loading and the insertional Achilles, as properties: running starts
and moves on only on positive evidence, never beside a caution, and worse symptoms never give
more running; under an insertional Achilles nothing lists a heel drop below a step."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.advice.result import recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.build import build_plan
from runstrong.snapshot.validation import snapshot_schema, validate

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RTR = snapshot_schema()["properties"]["return_to_run"]["properties"]
SITES = RTR["bone_stress_site"]["enum"]
HIGH_RISK = {"femoral_neck", "anterior_tibia", "navicular", "fifth_metatarsal_base", "sacrum", "talus", "patella"}
HIGH_RISK |= {"medial_malleolus", "sesamoid"}
RUNNING_UP = {"start-walk-run", "advance-walk-run"}
COMPRESSING = {"eccentric-heel-drop", "knee-to-wall-dorsiflexion", "banded-ankle-mobilisation"}


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def returning_athletes(draw: st.DrawFn) -> dict[str, Any]:
    """Athletes in (or near) the return-to-run phase with every criterion known, unknown or failed."""
    section = {
        "pain_free_walk_min": draw(_maybe(st.sampled_from([0, 10, 29, 30, 45, 90]))),
        "pain_free_hops": draw(_maybe(st.sampled_from([0, 5, 9, 10, 25]))),
        "walk_run_stage": draw(_maybe(st.integers(0, 6))),
        "stage_completions": draw(_maybe(st.integers(0, 3))),
        "symptoms_after_last_run": draw(_maybe(st.booleans())),
        "bone_stress_site": draw(_maybe(st.sampled_from(SITES))),
        "cleared_to_run": draw(_maybe(st.booleans())),
    }
    snapshot: dict[str, Any] = {
        "athlete_id": "rtr",
        "date": "2026-12-01",
        "plan": {"phase": draw(st.sampled_from(["return_to_run", "return_to_run", "base_strength"]))},
        "return_to_run": {k: v for k, v in section.items() if v is not None},
        "wellbeing": {"sleep_h_avg_7d": draw(st.sampled_from([6.0, 7.5, 8.5]))},
        "metrics": {"reps_above_target": draw(st.sampled_from([0, 2]))},
    }
    symptoms: dict[str, Any] = {}
    for name in ("soreness", "tendon", "sharp_joint_pain"):
        symptoms[name] = []
    flags = draw(_maybe(st.lists(st.sampled_from(["night_pain", "hop_pain", "focal_bone_tenderness"]), max_size=1)))
    if flags is not None:
        symptoms["red_flags"] = flags
    if draw(st.booleans()):
        symptoms["tendon"] = [{"site": "achilles", "pain_during_load": draw(st.integers(0, 8)), "trend": "rising"}]
    snapshot["symptoms"] = symptoms
    return snapshot


def _kept(evaluator: Evaluator, snapshot: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    result = recommend(evaluator, validate(snapshot))
    return result, {r["adjustment"] for r in result["recommendations"]}


@FAST
@given(returning_athletes())
def test_running_moves_on_only_on_positive_evidence(evaluator: Evaluator, snapshot: dict[str, Any]) -> None:
    result, kept = _kept(evaluator, snapshot)
    if not kept & RUNNING_UP:
        return
    section = snapshot["return_to_run"]
    assert snapshot["plan"]["phase"] == "return_to_run"
    assert snapshot["symptoms"].get("red_flags") == []
    assert all(r["direction"] != "decrease" for r in result["recommendations"]), kept
    assert result["status"] == "green"
    if "start-walk-run" in kept:
        assert section["walk_run_stage"] == 0
        assert section["pain_free_walk_min"] >= 30 and section["pain_free_hops"] >= 10
        assert section["bone_stress_site"] not in HIGH_RISK
    if "advance-walk-run" in kept:
        assert section["walk_run_stage"] >= 1 and section["stage_completions"] >= 2
        assert section["symptoms_after_last_run"] is False


@FAST
@given(returning_athletes())
def test_symptoms_after_a_run_never_give_more_running(evaluator: Evaluator, snapshot: dict[str, Any]) -> None:
    section = snapshot["return_to_run"]
    if not section.get("walk_run_stage"):
        return
    better = {**snapshot, "return_to_run": {**section, "symptoms_after_last_run": False}}
    worse = {**snapshot, "return_to_run": {**section, "symptoms_after_last_run": True}}
    _, kept_better = _kept(evaluator, better)
    result, kept_worse = _kept(evaluator, worse)
    assert not kept_worse & RUNNING_UP
    assert kept_worse & RUNNING_UP <= kept_better & RUNNING_UP
    if snapshot["plan"]["phase"] == "return_to_run":
        assert kept_worse & {"repeat-walk-run-stage", "no-running-yet"} or result["status"] == "red"


@FAST
@given(returning_athletes())
def test_a_high_risk_bone_site_without_clearance_refers(evaluator: Evaluator, snapshot: dict[str, Any]) -> None:
    section = snapshot["return_to_run"]
    uncleared = section.get("cleared_to_run") is not True
    if (
        snapshot["plan"]["phase"] != "return_to_run"
        or section.get("bone_stress_site") not in HIGH_RISK
        or not uncleared
    ):
        return
    result, kept = _kept(evaluator, snapshot)
    assert result["status"] == "red"
    assert not kept & RUNNING_UP
    assert all(r["direction"] != "increase" for r in result["recommendations"])


@FAST
@given(
    st.integers(0, 10),
    st.sampled_from(["isometric", "heavy_slow", "energy_storage", None]),
    st.sampled_from([[], ["calves"], ["calves", "posterior_chain"]]),
    st.booleans(),
)
def test_an_insertional_achilles_never_gets_a_drop_below_a_step(
    evaluator: Evaluator, pain: int, stage: str | None, groups: list[str], knee_to_wall_low: bool
) -> None:
    tendon: dict[str, Any] = {"site": "achilles", "location": "insertional", "pain_during_load": pain}
    if stage:
        tendon["loading_stage"] = stage
    snapshot: dict[str, Any] = {
        "athlete_id": "ins",
        "date": "2026-12-01",
        "symptoms": {"red_flags": [], "soreness": [], "sharp_joint_pain": [], "tendon": [tendon]},
        "plan": {
            "phase": "base_strength",
            "gym_sessions": [{"day": "tue", "intensity": "moderate", "muscle_groups": groups}],
        },
        "metrics": {"knee_to_wall_cm": {"left": 5 if knee_to_wall_low else 12, "right": 12}},
    }
    result = recommend(evaluator, validate(snapshot))
    listed = {e["key"] for r in result["recommendations"] for e in r.get("exercises", [])}
    assert not listed & COMPRESSING
    plan = build_plan(evaluator.ruleset, evaluator.evaluate(validate(snapshot)))
    planned = {e["id"] for d in plan["days"] for s in d["sessions"] for e in s["exercises"]}
    assert not planned & COMPRESSING


def test_each_new_tendon_site_gets_its_own_unloading_exercise(evaluator: Evaluator) -> None:
    expected = {"proximal_hamstring": "isometric-bridge-hold", "gluteal": "isometric-hip-abduction"}
    for site, exercise in expected.items():
        snapshot = {
            "athlete_id": "t",
            "date": "2026-12-01",
            "symptoms": {"red_flags": [], "tendon": [{"site": site, "pain_during_load": 7}]},
        }
        result = recommend(evaluator, validate(snapshot))
        stop = next(r for r in result["recommendations"] if r["adjustment"] == "stop-painful-exercise")
        assert [e["key"] for e in stop["exercises"]] == [exercise], stop
        assert "above 5/10" in stop["do"]
