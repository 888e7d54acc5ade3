"""The coming block (`runstrong plan --weeks N`): week 1 is the plan for the snapshot; the later
weeks are projections from it (the next check-in revises them): the phase progression (base
strength, power, maintenance before the race), a deload every 4-6 weeks, load progression capped."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from runstrong.advice.resolve import Advice
from runstrong.engine.records import Evaluation
from runstrong.plan import apply, schedule
from runstrong.plan.build import apply_advice, plan_result, plan_week
from runstrong.plan.model import INTENSITIES, Week
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.model import RuleSet

MAX_WEEKS = 12
#: Loading weeks between two deloads (a deload every 5th week: within the article's 4-6).
LOADING_WEEKS = 4
#: At most this much more load a week in a projection.
PROGRESSION_CAP_PCT = 5
DELOAD_PCT = 20
#: The advice that sets this week's loads: a projection replaces it by its own progression.
LOAD_ADVICE = ("insert-deload", "reduce-load", "progress-load", "hold-progression")
ORDER = ("base_strength", "power", "maintenance")
REVISE = "a projection: the next check-in will revise it"


@dataclass
class Step:
    """One week of the block: its phase, weeks in that phase, and whether it is a deload."""

    week: int
    phase: str
    weeks_in_phase: int
    deload: bool
    why: list[str]


def _typical(knowledge: KnowledgeBase, phase: str, bound: str) -> int:
    return int(knowledge.phases.get(phase, {}).get("typical_weeks", {}).get(bound, 0))


def _next_phase(knowledge: KnowledgeBase, phase: str, weeks_in: int, weeks_to_race: int | None) -> tuple[str, str]:
    """The phase of the following week and why it changed ("" when it did not)."""
    if weeks_to_race is not None and phase in ORDER[:2]:
        maintenance = _typical(knowledge, "maintenance", "min")
        if weeks_to_race <= maintenance:
            return "maintenance", f"maintenance for the last {maintenance} weeks before the race"
        if phase == "base_strength" and weeks_to_race <= maintenance + _typical(knowledge, "power", "min"):
            return "power", "power before the race's maintenance weeks"
    following = knowledge.phases.get(phase, {}).get("next")
    if following and weeks_in >= _typical(knowledge, phase, "max"):
        if weeks_to_race is not None and phase == "maintenance" and weeks_to_race > 0:
            return phase, ""  # no new cycle before the race
        return str(following), f"{weeks_in} weeks of {phase} (typical_weeks max)"
    return phase, ""


def steps(knowledge: KnowledgeBase, snapshot: dict[str, Any], advice: Advice, weeks: int) -> list[Step]:
    """Phase, deload and the reasons for each week of the block, week 1 being the snapshot's."""
    plan = snapshot.get("plan") or {}
    phase = str(plan.get("phase") or "base_strength")
    weeks_in = int(plan.get("weeks_in_phase") or 0)
    since = plan.get("weeks_since_deload")
    race = plan.get("race_in_days")
    first_deload = phase == "deload" or "insert-deload" in apply.kept(advice)
    out = [Step(1, phase, weeks_in, first_deload, [])]
    # loading weeks since the last deload; unknown counts as due (a deload comes soon, never late)
    loading = 0 if first_deload else (LOADING_WEEKS if since is None else int(since) + 1)
    assumed = []
    if phase == "deload":
        phase, weeks_in = "base_strength", 0
        assumed.append("plan.phase deload has no next phase: base strength assumed after it")
    for week in range(2, weeks + 1):
        why, assumed = assumed, []
        weeks_in += 1
        to_race = None if race is None else int(race) // 7 - (week - 1)
        phase, changed = _next_phase(knowledge, phase, weeks_in, to_race)
        if changed:
            weeks_in = 0
            why.append(f"phase {phase}: {changed}")
        deload = loading >= LOADING_WEEKS
        if deload:
            why.append(
                "deload: plan.weeks_since_deload is missing, a deload assumed due"
                if since is None and not any(s.deload for s in out)
                else f"deload: {loading} loading weeks since the last one"
            )
            loading = 0
        else:
            loading += 1
        out.append(Step(week, phase, weeks_in, deload, why))
    return out


def _progression(advice: Advice) -> tuple[float, str]:
    """The weekly load change of the loading weeks: the advice's progress capped, else none."""
    recs = apply.kept(advice)
    if any(rec.adjustment.direction == "decrease" for rec in advice.recommendations):
        return 0, "no load progression: week 1's advice decreases"
    if "progress-load" not in recs or "hold-progression" in recs or advice.status != "green":
        return 0, "no load progression: week 1's advice does not progress the load (data missing or held)"
    percent = min(float(apply.param(recs["progress-load"], "percent") or PROGRESSION_CAP_PCT), PROGRESSION_CAP_PCT)
    return percent, f"loads +{percent:g} % a week on the strength exercises (capped at +{PROGRESSION_CAP_PCT} %)"


def _hold(week: Week, last: Week) -> None:
    """No progression: no session harder than the week before's hardest, no more sets in total."""
    top = max((INTENSITIES.index(s.intensity) for s in last.sessions), default=0)
    for session in week.sessions:
        if INTENSITIES.index(session.intensity) > top:
            session.notes.append(f"kept {INTENSITIES[top]}: no session harder than the week before")
            session.intensity = INTENSITIES[top]
    apply.cap_sets(week, last.total_sets())


def _project(ruleset: RuleSet, snapshot: dict[str, Any], advice: Advice, step: Step, last: Week) -> Week:
    data = copy.deepcopy(snapshot)
    data["plan"] = dict(data.get("plan") or {}, phase=step.phase, weeks_in_phase=step.weeks_in_phase)
    data["date"] = str(dt.date.fromisoformat(str(snapshot["date"])) + dt.timedelta(weeks=step.week - 1))
    carried = replace(advice, recommendations=[r for r in advice.recommendations if r.adjustment.id not in LOAD_ADVICE])
    week = apply_advice(ruleset, data, carried)
    percent, progression = _progression(advice)
    for session in week.sessions:
        for exercise in session.exercises:
            exercise.new = False  # carried over from the week before
    before = last.total_sets()
    if not percent:
        _hold(week, last)
    if step.deload:
        lowered = apply.deload_week(week, before, DELOAD_PCT, "block-deload")
        for session in week.sessions:
            session.plyometric_contacts = 0
            session.exercises = [e for e in session.exercises if e.kind != "plyometric"] or session.exercises
        week.applied_effect(
            "block-deload",
            f"sets {week.total_sets()} (at most two-thirds of the week before's {before}), loads -{DELOAD_PCT} %, "
            f"no jumping" + (f"; intensity lowered one step: {', '.join(lowered)}" if lowered else ""),
        )
    elif percent:
        for session in week.sessions:
            for exercise in session.exercises:
                if exercise.kind == "strength":
                    exercise.load_change_pct = percent
                    exercise.because.append("block-progression")
                    session.shaped_by("block-progression")
        week.applied_effect("block-progression", progression)
    else:
        week.applied_effect("block-progression", progression + ", no harder and no more sets than the week before")
    if step.phase == "maintenance":
        high = [s for s in week.sessions if s.intensity == "high"]
        for session in high[1:]:
            session.intensity = INTENSITIES[1]
            session.notes.append("made moderate: maintenance keeps one heavy session a week")
    week.constraints = schedule.check(week, carried)
    week.notes = [*step.why, *week.notes]
    return week


def build_block(ruleset: RuleSet, evaluation: Evaluation, weeks: int) -> list[dict[str, Any]]:
    """Week 1 exactly as `plan` gives it, then the projected weeks (`"projection": true`)."""
    first, advice = plan_week(ruleset, evaluation)
    snapshot = dict(evaluation.snapshot)
    block = [plan_result(first, advice)]
    last = first
    plan = steps(ruleset.knowledge, snapshot, advice, weeks)
    for step in plan[1:]:
        week = _project(ruleset, snapshot, advice, step, last)
        last = week
        result = plan_result(week, advice)
        result.update(projection=True, week=step.week, deload=step.deload, revise=REVISE)
        result["advice"] = [a for a in result["advice"] if a not in LOAD_ADVICE]
        block.append(result)
    return block
