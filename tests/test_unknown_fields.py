"""The "not known" list names only fields that could still change the advice: a field read only in
a branch that a known value rules out is not listed."""

from __future__ import annotations

from typing import Any

import pytest

from runstrong.advice.result import recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.validation import validate

ERECTIONS = "energy.reduced_morning_erections"


def _unknown(evaluator: Evaluator, **profile: Any) -> list[str]:
    snapshot = (
        {"athlete_id": "u", "date": "2026-12-01", "profile": profile}
        if profile
        else {"athlete_id": "u", "date": "2026-12-01"}
    )
    return [u["field"] for u in recommend(evaluator, validate(snapshot))["unknown"]]


@pytest.mark.parametrize(("profile", "listed"), [({"sex": "female"}, False), ({"sex": "male"}, True), ({}, True)])
def test_a_men_only_marker_is_not_asked_of_a_woman(evaluator: Evaluator, profile: dict[str, Any], listed: bool) -> None:
    unknown = _unknown(evaluator, **profile)
    assert (ERECTIONS in unknown) is listed
    assert "energy.menstrual_status" in unknown
    assert ("profile.sex" in unknown) is (not profile)


def test_the_return_to_run_criteria_are_not_known_needs_outside_the_phase(evaluator: Evaluator) -> None:
    outside = validate({"athlete_id": "u", "date": "2026-12-01", "plan": {"phase": "base_strength"}})
    inside = validate({"athlete_id": "u", "date": "2026-12-01", "plan": {"phase": "return_to_run"}})
    listed_outside = {u["field"] for u in recommend(evaluator, outside)["unknown"]}
    listed_inside = {u["field"] for u in recommend(evaluator, inside)["unknown"]}
    assert "return_to_run.pain_free_hops" not in listed_outside
    assert "return_to_run.pain_free_hops" in listed_inside
