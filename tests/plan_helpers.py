"""Shared checks for `runstrong plan`: what every week must keep, whatever the athlete."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from runstrong.advice.result import build_result
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.build import build_plan
from runstrong.plan.model import DAYS, LEG_GROUPS, week_days
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import Snapshot

PARTS = ("warm_up", "exercises", "cool_down")


def plan_and_advice(evaluator: Evaluator, snapshot: Snapshot) -> tuple[dict[str, Any], dict[str, Any]]:
    evaluation = evaluator.evaluate(snapshot)
    return build_plan(evaluator.ruleset, evaluation), build_result(evaluator.ruleset, evaluation)


def sessions(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(s, day=d["day"]) for d in plan["days"] for s in d["sessions"]]


def main_items(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for s in sessions(plan) for e in s["exercises"]]


def every_item(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every exercise of the week: warm-ups, main parts, cool-downs and the home programme."""
    return [e for s in sessions(plan) for part in PARTS for e in s[part]] + plan["daily"]


def sites(ruleset: RuleSet, names: list[str]) -> set[str]:
    return {part for site in names for part in ruleset.knowledge.site_parts(site)}


def hard_days(plan: dict[str, Any]) -> set[str]:
    return {d["day"] for d in plan["days"] if d["running"] in ("key", "long")}


def heavy_legs(ruleset: RuleSet, entry: dict[str, Any]) -> bool:
    """Heavy leg work by the dose, worked out here from the catalogue and the goals: a leg exercise
    with a heavy goal, or loaded at 3 reps in reserve or fewer, or jumping."""
    knowledge = ruleset.knowledge
    exercise = knowledge.exercises[entry["id"]]
    if exercise.impact == "high":
        return True
    legs = bool(set(exercise.muscle_groups) & set(LEG_GROUPS)) and exercise.slot != "upper"
    rir = entry["dose"].get("reps_in_reserve")
    heavy = knowledge.programming.goals[entry["dose"]["goal"]].heavy
    return legs and (heavy or (exercise.equipment == "loaded" and rir is not None and rir[0] <= 3))


def _gap(a: str, b: str) -> int:
    gap = abs(DAYS.index(a) - DAYS.index(b))
    return min(gap, 7 - gap) * 24


def check_heavy_legs(ruleset: RuleSet, plan: dict[str, Any], masters: bool) -> None:
    """Heavy leg work (by the dose) never on a key or long run day or the day before or after one
    (72 h from them from 50), 48 h between heavy leg sessions (72 h from 50), and the scheduling
    lines never say "holds" when this does not."""
    hard = hard_days(plan)
    known = plan["key_run_days"] is not None or plan["long_run_day"] is not None
    heavy = [s["day"] for s in sessions(plan) if any(heavy_legs(ruleset, e) for e in s["exercises"])]
    apart = 72 if masters else 48
    spacing = next((int(c["id"].split("-")[-1][:-1]) for c in plan["constraints"] if "spacing" in c["id"]), 48)
    for n, day in enumerate(heavy):
        if known:
            assert all(_gap(day, h) >= apart for h in hard), (day, sorted(hard), apart)
        for other in heavy[n + 1 :]:
            assert _gap(day, other) >= max(spacing, apart if masters else 48), (day, other)
    for constraint in plan["constraints"]:
        if constraint["id"] == "heavy-legs-away-from-hard-runs" and heavy and known:
            assert constraint["holds"]


def check_no_load_figures(ruleset: RuleSet, plan: dict[str, Any]) -> None:
    """Body-weight, band, hold and mobility work carries no load figure and no reps in reserve."""
    for entry in every_item(plan):
        exercise = ruleset.knowledge.exercises[entry["id"]]
        if exercise.equipment != "loaded":
            assert "load_change_pct" not in entry["dose"], entry
            text = entry["dose"]["text"]
            assert not any(w in text for w in ("load +", "load -", "last week's load", "reps in reserve")), entry
        if "load_change_pct" in entry["dose"]:
            assert entry["dose"]["text"].count("%") <= 2, entry  # one anchor (and a share of 1RM at most)


def check_one_programme(ruleset: RuleSet, plan: dict[str, Any]) -> None:
    """Exercises that are alternatives ("Spanish squat or wall sit") are one programme: never two in
    the week; an adjustment that is the alternative to another kept one adds nothing on top of it."""
    programming = ruleset.knowledge.programming
    keys = {e["id"] for e in every_item(plan)}
    for group in programming.alternatives.get("exercises", []):
        assert len(keys & set(group)) <= 1, keys & set(group)
    kept = set(plan["advice"])
    for pair in programming.alternatives.get("adjustments", []):
        if {pair["first"], pair["instead"]} <= kept:
            assert not keys & set(ruleset.knowledge.adjustments[pair["instead"]].exercises), keys


def check_restrictions(ruleset: RuleSet, plan: dict[str, Any]) -> None:
    """What the week's own kept advice rules out (excludes, positions avoided, referred sites) is in
    no part of any session nor the home programme; nothing at all under a no-training referral."""
    knowledge = ruleset.knowledge
    kept = plan["advice"]
    excluded = {key for rec in kept for key in knowledge.adjustments[rec].excludes}
    avoided = {p for rec in kept for p in knowledge.adjustments[rec].avoid_positions or ()}
    referred = sites(ruleset, plan["referred_sites"])
    for entry in every_item(plan):
        exercise = knowledge.exercises[entry["id"]]
        assert entry["id"] not in excluded, entry["id"]
        assert not set(exercise.positions) & avoided, entry["id"]
        assert not set(exercise.loads) & referred, entry["id"]
    if plan.get("no_training"):
        assert not sessions(plan) and not plan["daily"]


def check_plan(ruleset: RuleSet, plan: dict[str, Any], masters: bool = False) -> None:
    """What every week (this one or a projected one) keeps, from the plan alone."""
    assert [d["day"] for d in plan["days"]] == week_days(plan["date"])
    check_restrictions(ruleset, plan)
    check_heavy_legs(ruleset, plan, masters)
    check_no_load_figures(ruleset, plan)
    check_one_programme(ruleset, plan)
    for session in sessions(plan):
        keys = [e["id"] for part in PARTS for e in session[part]]
        assert len(keys) == len(set(keys)), keys  # no exercise twice in one session
        for entry in session["exercises"]:
            main_lift = ruleset.knowledge.programming.main_slot(entry["slot"]) and entry["equipment"] == "loaded"
            if main_lift and entry["dose"]["goal"] not in ("alfredson", "floor_heel_drop", "eccentric_decline_squat"):
                assert entry["dose"]["sets"] >= 2, entry


def check_week(ruleset: RuleSet, plan: dict[str, Any], result: dict[str, Any], masters: bool = False) -> None:
    """The week's safety and coaching properties (the issue's list), for any athlete."""
    check_plan(ruleset, plan, masters)
    kept = {r["adjustment"]: r for r in result["recommendations"]}
    if not plan.get("no_training"):
        assert set(kept) <= {a["adjustment"] for a in plan["applied"]}, set(kept) - {
            a["adjustment"] for a in plan["applied"]
        }
    held = {r["adjustment"] for r in result.get("suppressed", [])}
    for session in sessions(plan):
        if "activation-warmup" in held:
            assert not session["warm_up"], session["day"]
        if "mobility-cooldown" in held:
            assert not any(e["id"] == "foam-rolling-calves" for e in session["cool_down"])
        for entry in session["exercises"]:
            dose = entry["dose"]
            if ruleset.knowledge.programming.goals[dose["goal"]].high_only and "deload" not in dose["changed_by"]:
                assert session["intensity"] == "high", (session["day"], entry["id"])  # a heavy dose on a heavy day
    if any(r["direction"] == "decrease" for r in result["recommendations"]):
        assert all(e["dose"].get("load_change_pct", 0) <= 0 for e in main_items(plan))
    referred = sites(ruleset, plan["referred_sites"])
    leg = any(s in ruleset.knowledge.site_parts("lower_limb") for s in referred)
    if plan["referred_sites"] and leg and (result.get("referral") or {}).get("meanwhile") != "reduced":
        assert {d["running"] for d in plan["days"]} <= {"rest", "race"}
    same_dose(plan, result)


def same_dose(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """Every exercise in both the advice and the week's main parts has the same prescription."""
    advised = {}
    for rec in result["recommendations"]:
        if rec["group"] == "every_session":
            continue  # the warm-up and cool-down doses: compared with the sessions' warm-ups
        for entry in rec["exercises"]:
            advised[entry["key"], entry["dose"]["previous"]] = entry["prescription"]
    for entry in main_items(plan):
        key = (entry["id"], entry["dose"]["previous"])
        if entry["part"] == "main" and key in advised:
            assert entry["dose"]["text"] == advised[key], (entry["id"], entry["dose"]["text"])


def race_rules(plan: dict[str, Any], race_in_days: int) -> None:
    """No load increase in the last two weeks before a race and no new exercise in the last three."""
    if race_in_days <= 21:
        assert not any(e["new"] for e in main_items(plan)), [e["id"] for e in main_items(plan) if e["new"]]
    if race_in_days <= 14:
        assert all(e["dose"].get("load_change_pct", 0) <= 0 for e in main_items(plan))


_day = st.sampled_from(list(DAYS))
_session = st.fixed_dictionaries(
    {"day": _day},
    optional={
        "intensity": st.sampled_from(["light", "moderate", "high"]),
        "muscle_groups": st.lists(
            st.sampled_from(["posterior_chain", "quadriceps", "calves", "hips", "core", "upper_body"]),
            min_size=1,
            max_size=3,
            unique=True,
        ),
        "plyometric_contacts": st.sampled_from([0, 40, 100]),
        "circuit": st.booleans(),
    },
)
athletes = st.fixed_dictionaries(
    {"athlete_id": st.just("h"), "date": st.sampled_from(["2026-11-24", "2026-11-29", "2027-03-01"])},
    optional={
        "profile": st.fixed_dictionaries(
            {},
            optional={
                "age": st.sampled_from([14, 16, 30, 45, 58, 71]),
                "strength_training_years": st.sampled_from([0, 0.5, 3]),
            },
        ),
        "plan": st.fixed_dictionaries(
            {},
            optional={
                "phase": st.sampled_from(["base_strength", "power", "maintenance", "deload", "return_to_run"]),
                "gym_sessions": st.lists(_session, max_size=4),
                "key_run_days": st.lists(_day, max_size=3, unique=True),
                "long_run_day": _day,
                "run_days": st.lists(_day, max_size=6, unique=True),
                "weeks_since_deload": st.integers(0, 10),
                "weeks_in_phase": st.integers(0, 12),
                "race_in_days": st.integers(0, 40),
            },
        ),
        "symptoms": st.fixed_dictionaries(
            {},
            optional={
                "red_flags": st.lists(
                    st.sampled_from(["night_pain", "hop_pain", "missed_periods", "achilles_pop"]), max_size=1
                ),
                "tendon": st.lists(
                    st.fixed_dictionaries(
                        {
                            "site": st.sampled_from(
                                ["achilles", "patellar", "gluteal", "proximal_hamstring", "plantar_fascia"]
                            ),
                            "pain_during_load": st.integers(0, 9),
                        },
                        optional={"pain_next_morning": st.integers(0, 6), "pain_baseline": st.integers(0, 3)},
                    ),
                    max_size=1,
                ),
                "soreness": st.lists(
                    st.fixed_dictionaries(
                        {"region": st.sampled_from(["calf", "shin", "knee"]), "level": st.integers(0, 8)}
                    ),
                    max_size=1,
                ),
                "sharp_joint_pain": st.lists(
                    st.fixed_dictionaries(
                        {"joint": st.sampled_from(["knee", "hip", "ankle"]), "level": st.integers(0, 8)}
                    ),
                    max_size=1,
                ),
            },
        ),
        "wellbeing": st.fixed_dictionaries(
            {"sleep_h_avg_7d": st.sampled_from([5.5, 6.5, 8.0]), "fatigue": st.integers(1, 5)},
            optional={"low_mood_days": st.integers(0, 12), "mood": st.integers(1, 5)},
        ),
        "running": st.fixed_dictionaries(
            {"week_km": st.sampled_from([30, 50]), "prev_week_km": st.sampled_from([25, 40, 50])},
            optional={
                "planned_long_run_km": st.sampled_from([12, 30]),
                "longest_run_30d_km": st.sampled_from([10, 25]),
            },
        ),
        "metrics": st.fixed_dictionaries({"reps_above_target": st.integers(0, 3)}),
    },
)
