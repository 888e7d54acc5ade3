"""Shared checks for `runstrong plan`: what every week must keep, whatever the athlete."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from runstrong.advice.result import build_result
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.build import build_plan
from runstrong.plan.model import DAYS, LEG_GROUPS, neighbours
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


def check_week(ruleset: RuleSet, plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The week's safety and coaching properties (the issue's list), for any athlete."""
    knowledge = ruleset.knowledge
    kept = {r["adjustment"]: r for r in result["recommendations"]}
    assert [d["day"] for d in plan["days"]] == list(DAYS)
    assert set(kept) <= {a["adjustment"] for a in plan["applied"]}, set(kept) - {
        a["adjustment"] for a in plan["applied"]
    }
    excluded = {key for rec in kept for key in knowledge.adjustments[rec].excludes}
    avoided = {p for rec in kept for p in getattr(knowledge.adjustments[rec], "avoid_positions", ()) or ()}
    referred = sites(ruleset, plan["referred_sites"])
    for entry in every_item(plan):
        exercise = knowledge.exercises[entry["id"]]
        assert entry["id"] not in excluded, entry["id"]
        assert not set(getattr(exercise, "positions", ()) or ()) & avoided, entry["id"]
        assert not set(exercise.loads) & referred, entry["id"]
        if exercise.equipment != "loaded":  # bodyweight, band, holds, mobility: no load figure at all
            assert "load_change_pct" not in entry["dose"], entry
            assert not any(w in entry["dose"]["text"] for w in ("load +", "load -", "same load")), entry
    for session in sessions(plan):
        keys = [e["id"] for part in PARTS for e in session[part]]
        assert len(keys) == len(set(keys)), keys  # no exercise twice in one session
        for entry in session["exercises"]:
            dose = entry["dose"]
            if knowledge.programming.goals[dose["goal"]].high_only and "deload" not in dose["changed_by"]:
                assert session["intensity"] == "high", (session["day"], entry["id"])  # a heavy dose on a heavy day
            main_lift = knowledge.programming.main_slot(entry["slot"]) and entry["equipment"] == "loaded"
            if main_lift and dose["goal"] not in ("alfredson", "floor_heel_drop", "eccentric_decline_squat"):
                assert dose["sets"] >= 2, entry
    hard = hard_days(plan)
    for session in sessions(plan):
        if session["intensity"] == "high" and set(session["muscle_groups"]) & set(LEG_GROUPS):
            assert session["day"] not in hard and not set(neighbours(session["day"])) & hard, session["day"]
    if any(r["direction"] == "decrease" for r in result["recommendations"]):
        assert all(e["dose"].get("load_change_pct", 0) <= 0 for e in main_items(plan))
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
            advised[entry["key"]] = entry["prescription"]
    for entry in main_items(plan):
        if entry["part"] == "main" and entry["id"] in advised:
            assert entry["dose"]["text"] == advised[entry["id"]], (entry["id"], entry["dose"]["text"])


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
