"""Properties of `runstrong plan` and its block for any athlete: heavy leg work is decided by the
dose and kept off the hard runs (72 h from them from 50), exercises that are alternatives are one
programme, what the advice rules out stays out of every projected week and nothing new comes in a
deload, a referral gives one week and no block, and body-weight or band work carries no load
figure and no reps in reserve."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_helpers import (
    athletes,
    check_heavy_legs,
    check_no_load_figures,
    check_one_programme,
    check_plan,
    check_restrictions,
    plan_and_advice,
    sessions,
)
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.block import build_block
from runstrong.snapshot.validation import validate

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
DAY = st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
LEGS = ["posterior_chain", "quadriceps", "calves", "hips"]


def _masters(data: dict[str, Any]) -> bool:
    age = (data.get("profile") or {}).get("age")
    return isinstance(age, int) and age >= 50


@st.composite
def runners(draw: st.DrawFn) -> dict[str, Any]:
    """Runners with key runs, a long run and heavy planned leg sessions, young and 50 or older."""
    gym = [
        {"day": d, "intensity": draw(st.sampled_from(["light", "moderate", "high"])), "muscle_groups": LEGS[:3]}
        for d in draw(st.lists(DAY, min_size=1, max_size=3, unique=True))
    ]
    return {
        "athlete_id": "p",
        "date": draw(st.sampled_from(["2026-12-01", "2026-12-05"])),
        "profile": {"age": draw(st.sampled_from([30, 49, 50, 64])), "strength_training_years": 3},
        "plan": {
            "phase": draw(st.sampled_from(["base_strength", "power", "maintenance"])),
            "weeks_since_deload": draw(st.integers(0, 7)),
            "key_run_days": draw(st.lists(DAY, max_size=2, unique=True)),
            "long_run_day": draw(DAY),
            "gym_sessions": gym,
        },
        "symptoms": {"red_flags": [], "tendon": [], "soreness": [], "sharp_joint_pain": []},
        "wellbeing": {"sleep_h_avg_7d": 7.8, "fatigue": 2},
        "metrics": {"reps_above_target": draw(st.integers(0, 2))},
    }


@SETTINGS
@given(data=runners())
def test_heavy_leg_work_by_its_dose_keeps_off_and_away_from_the_hard_runs(evaluator: Evaluator, data: Any) -> None:
    """Whatever the label: a loaded leg lift at 3 reps in reserve or fewer, a heavy goal or jumping
    never on a key or long run day or the day before or after one; 72 h from them and between heavy
    leg sessions from 50; and the scheduling lines never say "holds" when it does not."""
    plan, _ = plan_and_advice(evaluator, validate(data))
    check_heavy_legs(evaluator.ruleset, plan, _masters(data))


@SETTINGS
@given(
    site=st.sampled_from(["achilles", "patellar"]),
    load=st.integers(2, 8),
    morning=st.integers(0, 5),
    history=st.booleans(),
)
def test_alternatives_are_one_programme(
    evaluator: Evaluator, site: str, load: int, morning: int, history: bool
) -> None:
    """ "Spanish squat or wall sit", "heel drops instead of the heavy slow calf raises": one of them."""
    kind = "achilles_tendinopathy" if site == "achilles" else "patellar_tendinopathy"
    data = {
        "athlete_id": "a",
        "date": "2026-12-01",
        "profile": {
            "age": 35,
            "strength_training_years": 3,
            "injury_history": [{"type": kind, "months_ago": 3}] if history else [],
        },
        "plan": {"phase": "base_strength", "key_run_days": ["sat"]},
        "symptoms": {
            "red_flags": [],
            "tendon": [{"site": site, "pain_during_load": load, "pain_next_morning": morning, "pain_baseline": 1}],
        },
    }
    for week in build_block(evaluator.ruleset, evaluator.evaluate(validate(data)), 3):
        check_one_programme(evaluator.ruleset, week)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=athletes)
def test_restrictions_hold_in_every_projected_week(evaluator: Evaluator, data: dict[str, Any]) -> None:
    """Every projected week keeps its own advice's restrictions, the heavy leg rules and one
    programme per alternative; a deload week brings nothing new (only lifts done before, or the
    advice's own pain-free swaps and rehab)."""
    weeks = build_block(evaluator.ruleset, evaluator.evaluate(validate(data)), 5)
    done: set[str] = set()
    for week in weeks:
        check_plan(evaluator.ruleset, week, _masters(data))
        if week.get("projection") and week["deload"]:
            for session in sessions(week):
                for entry in session["exercises"]:
                    advised = entry["rehab"] or entry.get("swap_for")
                    assert advised or entry["id"] in done | {"medicine-ball-throw"}, entry["id"]
        done |= {e["id"] for s in sessions(week) for e in s["exercises"]} | set(week["usual"])


@SETTINGS
@given(
    flags=st.lists(
        st.sampled_from(["night_pain", "calf_swelling_warmth", "missed_periods", "exertional_chest_pain", "limp"]),
        min_size=1,
        max_size=2,
        unique=True,
    ),
    data=runners(),
)
def test_a_referral_gives_one_week_and_no_block(evaluator: Evaluator, flags: list[str], data: Any) -> None:
    """A referral: the one week (what continues meanwhile), "re-plan after the assessment", no block."""
    data["profile"]["sex"] = "female"
    data["symptoms"]["red_flags"] = flags
    evaluation = evaluator.evaluate(validate(data))
    weeks = build_block(evaluator.ruleset, evaluation, 6)
    _, result = plan_and_advice(evaluator, validate(data))
    if result.get("referral"):
        assert len(weeks) == 1 and "re-plan after the assessment" in weeks[0]["stop"]
        check_restrictions(evaluator.ruleset, weeks[0])
        if weeks[0]["no_training"]:
            assert not weeks[0]["constraints"] and not weeks[0]["notes"]


@SETTINGS
@given(data=athletes)
def test_no_load_figure_on_body_weight_or_band_work(evaluator: Evaluator, data: dict[str, Any]) -> None:
    """Body-weight, band, hold and mobility work: no load change, no reps in reserve; a loaded
    lift's line has one load anchor."""
    plan, _ = plan_and_advice(evaluator, validate(data))
    check_no_load_figures(evaluator.ruleset, plan)
