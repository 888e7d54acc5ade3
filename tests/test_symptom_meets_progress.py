"""A progress-ready athlete (examples/healthy-base-week4.yaml gets progress-load) plus one
symptom, so increase and decrease rules meet; the kept advice never keeps an increase beside a
decrease or a referral, and the symptom (or a worse one) never makes the status less cautious."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.advice.resolve import STATUS_RANK, resolve_advice
from runstrong.advice.result import recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.validation import read_snapshot, snapshot_schema, validate

ROOT = Path(__file__).resolve().parent.parent
HEALTHY = read_snapshot(ROOT / "examples" / "healthy-base-week4.yaml")
SYMPTOMS = snapshot_schema()["properties"]["symptoms"]["properties"]
RED_FLAGS = SYMPTOMS["red_flags"]["items"]["enum"]
REGIONS = SYMPTOMS["soreness"]["items"]["properties"]["region"]["enum"]
TENDONS = SYMPTOMS["tendon"]["items"]["properties"]["site"]["enum"]
JOINTS = SYMPTOMS["sharp_joint_pain"]["items"]["properties"]["joint"]["enum"]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# A symptom as a function of its severity (0 = none or mildest .. 10 = worst): (section, field, value).
Symptom = tuple[str, str, Any]


def _tendon(site: str, s: int) -> Symptom:
    item = {"site": site, "pain_during_load": s, "pain_next_morning": s, "pain_baseline": 0, "days_persisting": s * 2}
    return ("symptoms", "tendon", [item])


def _soreness(region: str, trend: str, s: int) -> Symptom:
    return ("symptoms", "soreness", [{"region": region, "level": s, "trend": trend, "duration_h": 12 * s}])


# Each family: the choices it is drawn from (the first is used where no draw is made), and the
# symptom it gives for one choice at severity s.
FAMILIES: dict[str, tuple[list[Any], Any]] = {
    "tendon": (TENDONS, _tendon),
    "soreness": ([(r, t) for r in REGIONS for t in ("rising", "stable")], lambda rt, s: _soreness(*rt, s)),
    "joint": (JOINTS, lambda j, s: ("symptoms", "sharp_joint_pain", [{"joint": j, "level": s}])),
    "short-sleep": ([None], lambda _, s: ("wellbeing", "sleep_h_avg_7d", 8.0 - 0.5 * s)),
    "last-night": ([None], lambda _, s: ("wellbeing", "sleep_h_last_night", 8.0 - 0.6 * s)),
    "fatigue": ([None], lambda _, s: ("wellbeing", "fatigue", 1 + s * 4 // 10)),
    "stress": ([None], lambda _, s: ("wellbeing", "stress", 1 + s * 4 // 10)),
    "mileage": ([None], lambda _, s: ("running", "week_km", 40 + 4 * s)),
    "cadence-drop": ([None], lambda _, s: ("running", "cadence_spm", 175 - s)),
}


def _with(change: Symptom) -> dict[str, Any]:
    section, name, value = change
    changed = copy.deepcopy(HEALTHY)
    changed.setdefault(section, {})[name] = value
    return validate(changed)


@st.composite
def symptom_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """The healthy athlete with one symptom at severity a, and with the same symptom at b >= a;
    or with one red flag (as the worse) and nothing (as the milder)."""
    if draw(st.integers(0, 9)) == 0:
        return HEALTHY, _with(("symptoms", "red_flags", [draw(st.sampled_from(RED_FLAGS))]))
    choices, make = FAMILIES[draw(st.sampled_from(sorted(FAMILIES)))]
    choice = draw(st.sampled_from(choices))
    a = draw(st.integers(0, 10))
    b = draw(st.integers(a, 10))
    return _with(make(choice, a)), _with(make(choice, b))


def _directions(evaluator: Evaluator, result: dict[str, Any]) -> list[str]:
    catalogue = evaluator.ruleset.knowledge.adjustments
    return [catalogue[rec["adjustment"]].direction for rec in result["recommendations"]]


def test_the_base_athlete_is_ready_to_progress(evaluator: Evaluator) -> None:
    result = recommend(evaluator, HEALTHY)
    assert result["status"] == "green"
    assert "progress-load" in {rec["adjustment"] for rec in result["recommendations"]}


def test_increases_and_decreases_really_meet_on_these_athletes(evaluator: Evaluator) -> None:
    """Before resolution, many one-symptom athletes have both an increase and a decrease given."""
    catalogue = evaluator.ruleset.knowledge.adjustments
    met = 0
    for choices, make in FAMILIES.values():
        for s in (4, 7, 10):
            advice = resolve_advice(evaluator.ruleset, evaluator.evaluate(_with(make(choices[0], s))))
            directions = {catalogue[r.adjustment.id].direction for r in advice.recommendations + advice.suppressed}
            met += {"increase", "decrease"} <= directions
    assert met >= 5, met


@SETTINGS
@given(symptom_pairs())
def test_never_an_increase_beside_a_decrease_or_a_referral(evaluator: Evaluator, pair: tuple[dict, dict]) -> None:
    for snapshot in pair:
        result = recommend(evaluator, snapshot)
        directions = _directions(evaluator, result)
        kept = {rec["adjustment"] for rec in result["recommendations"]}
        if "increase" in directions:
            assert "decrease" not in directions, sorted(kept)
            assert "refer-to-clinician" not in kept, sorted(kept)


@SETTINGS
@given(symptom_pairs())
def test_a_worse_symptom_never_makes_the_status_less_cautious(evaluator: Evaluator, pair: tuple[dict, dict]) -> None:
    results = [recommend(evaluator, snapshot) for snapshot in pair]
    milder, worse = (result["status"] for result in results)
    base = recommend(evaluator, HEALTHY)["status"]
    assert STATUS_RANK[base] <= STATUS_RANK[milder] <= STATUS_RANK[worse], (base, milder, worse)
    catalogue = evaluator.ruleset.knowledge.adjustments
    for result in results:  # every value is reported, so the status is the most cautious kept advice's
        statuses = [catalogue[rec["adjustment"]].status for rec in result["recommendations"]]
        assert result["status"] == max(statuses, key=STATUS_RANK.__getitem__, default="green"), statuses
