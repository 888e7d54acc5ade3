"""The "not known" list names only fields that could still change the advice: a field read only in
a branch that a known value rules out is not listed, a field that cannot apply to the athlete's
sex or age (`knowledge/fields.yaml`) is not listed, and while the sex or age it depends on is
unknown that is listed instead (the question to ask first)."""

from __future__ import annotations

from typing import Any

import pytest

from runstrong.advice.result import build_result, recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.validation import validate

ERECTIONS, LIBIDO, PERIODS = "energy.reduced_morning_erections", "energy.low_libido", "energy.menstrual_status"
SEX, AGE = "profile.sex", "profile.age"


def _unknown(evaluator: Evaluator, **profile: Any) -> list[str]:
    snapshot = (
        {"athlete_id": "u", "date": "2026-12-01", "profile": profile}
        if profile
        else {"athlete_id": "u", "date": "2026-12-01"}
    )
    return [u["field"] for u in recommend(evaluator, validate(snapshot))["unknown"]]


@pytest.mark.parametrize(
    ("profile", "listed", "not_listed"),
    [
        ({}, [SEX, AGE], [ERECTIONS, LIBIDO, PERIODS]),
        ({"sex": "female"}, [AGE], [ERECTIONS, LIBIDO, PERIODS]),
        ({"sex": "male"}, [AGE], [ERECTIONS, LIBIDO, PERIODS]),
        ({"sex": "female", "age": 30}, [LIBIDO, PERIODS], [ERECTIONS, SEX, AGE]),
        ({"sex": "male", "age": 30}, [LIBIDO, ERECTIONS], [PERIODS, SEX, AGE]),
        ({"sex": "other", "age": 30}, [LIBIDO, PERIODS], [ERECTIONS]),
        ({"sex": "female", "age": 49}, [LIBIDO], [PERIODS, ERECTIONS]),
        ({"sex": "male", "age": 15}, [], [LIBIDO, ERECTIONS, PERIODS]),
        ({"age": 30}, [SEX, LIBIDO], [ERECTIONS, PERIODS]),
    ],
)
def test_only_what_can_apply_is_listed_and_the_gate_comes_first(
    evaluator: Evaluator, profile: dict[str, Any], listed: list[str], not_listed: list[str]
) -> None:
    unknown = _unknown(evaluator, **profile)
    assert all(field in unknown for field in listed), unknown
    assert not any(field in unknown for field in not_listed), unknown


def test_the_return_to_run_criteria_are_not_known_needs_outside_the_phase(evaluator: Evaluator) -> None:
    outside = validate({"athlete_id": "u", "date": "2026-12-01", "plan": {"phase": "base_strength"}})
    inside = validate({"athlete_id": "u", "date": "2026-12-01", "plan": {"phase": "return_to_run"}})
    listed_outside = {u["field"] for u in recommend(evaluator, outside)["unknown"]}
    listed_inside = {u["field"] for u in recommend(evaluator, inside)["unknown"]}
    assert "return_to_run.pain_free_hops" not in listed_outside
    assert "return_to_run.pain_free_hops" in listed_inside


def test_a_rule_needing_an_item_no_item_could_match_asks_nothing(evaluator: Evaluator) -> None:
    """A runner whose injury history holds no bone stress injury is not asked about a bone stress
    injury's return (RR06 needs one in the last year, or a return-to-run phase); one who had one
    six months ago is."""
    base = {"athlete_id": "u", "date": "2026-11-24", "plan": {"phase": "base_strength"}}
    calf = {**base, "profile": {"injury_history": [{"type": "calf_strain", "months_ago": 14}]}}
    bone = {**base, "profile": {"injury_history": [{"type": "bone_stress_injury", "months_ago": 6}]}}
    fields = [
        [u["field"] for u in build_result(evaluator.ruleset, evaluator.evaluate(validate(s)))["unknown"]]
        for s in (calf, bone)
    ]
    assert "return_to_run.bone_stress_site" not in fields[0]
    assert "return_to_run.bone_stress_site" in fields[1]
