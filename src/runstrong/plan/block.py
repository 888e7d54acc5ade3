"""The coming block (`runstrong plan --weeks N`): week 1 is the plan for the snapshot; each later
week is planned afresh from the state projected for it (a week later, the race closer and the
recovery after it, the phase and deloads moved on, the advice followed, each protocol a week
further), with the rules evaluated again on that state. Every projected week says what it assumed
and why its status changed; the next check-in revises it. A referral gives the one week: the
block is planned again after the assessment."""

from __future__ import annotations

from typing import Any

from runstrong.advice.because import because_texts
from runstrong.advice.dose_context import Progress, meanwhile
from runstrong.advice.resolve import Advice, resolve_advice
from runstrong.engine.evaluator import Evaluator
from runstrong.engine.records import Evaluation
from runstrong.plan.build import apply_advice, plan_result, plan_week
from runstrong.plan.carry import Carry
from runstrong.plan.model import Week
from runstrong.plan.project import deload_week, next_state
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import validate

MAX_WEEKS = 12
REVISE = "a projection: the next check-in will revise it"
REPLAN = "No block is planned while a clinician's assessment is awaited: re-plan after the assessment."
#: A tendon's loading stage, by the goal of the rehab work the week gave it.
STAGES = {"isometric_analgesia": "isometric", "heavy_slow_resistance": "heavy_slow", "energy_storage": "energy_storage"}
#: Snapshot fields a deload rule tests when the deload is only the block's rhythm.
RHYTHM = {"plan.weeks_since_deload", "plan.phase"}


def _stages(ruleset: RuleSet, week: Week) -> dict[str, str]:
    """The loading stage each tendon site was given this week (the most advanced)."""
    knowledge = ruleset.knowledge
    order = list(STAGES.values())
    found: dict[str, str] = {}
    items = [i for s in week.sessions for i in s.main] + week.daily
    for entry in [i for i in items if i.rehab and i.dose.goal in STAGES]:
        for site in knowledge.exercises[entry.key].loads:
            stage = STAGES[entry.dose.goal]
            if order.index(stage) >= order.index(found.get(site, order[0])):
                found[site] = stage
    return found


def _done(week: Week, known: tuple[str, ...]) -> tuple[str, ...]:
    """The lifts the athlete knows after this week: the ones before, their usual week's, this week's."""
    return tuple(dict.fromkeys([*known, *week.usual, *(e.key for s in week.ordered() for e in s.main)]))


def _progress(week: Week, carry: Carry, deload: bool, back: bool) -> Progress:
    """Each protocol and programme a week further (a deload week keeps its step)."""
    weeks = dict(carry.progress.weeks)
    items = [i for s in week.sessions for i in s.main] + week.daily
    for key in {i.dose.goal for i in items if i.dose.week} | {a for i in items if i.rehab for a in i.because}:
        weeks[key] = weeks.get(key, 1) + (0 if deload else 1)
    return Progress(weeks, after_deload=deload, back_after_race=back)


def _planned_deload(advice: Advice) -> bool:
    """The week's caution is only the block's deload rhythm (weeks since the last deload)."""
    decreases = [r for r in advice.recommendations if r.adjustment.direction == "decrease"]
    return bool(decreases) and all(
        r.adjustment.effects.get("volume") == "down"
        and all(f.branch.tested_fields and set(f.branch.tested_fields) <= RHYTHM and not f.items for f in r.firings)
        for r in decreases
    )


def _status_why(ruleset: RuleSet, advice: Advice, before: str, result: dict[str, Any]) -> str:
    """Why a projected week's status differs from the week before, in words."""
    if _planned_deload(advice):
        result["status"] = "green"
        return "GREEN: a planned deload week, the block's rhythm, not a sign to ease off"
    if result["status"] == before:
        return ""
    if result["status"] == "green":
        return f"GREEN (was {before.upper()}): nothing this week calls for caution"
    cautious = [r for r in advice.recommendations if r.adjustment.direction == "decrease"] or advice.recommendations
    reasons = []
    for rec in cautious[:2]:
        texts = [t for found in because_texts(ruleset, rec.firings).values() for t in found]
        reasons.append(rec.adjustment.title + (f" ({'; '.join(texts[:2])})" if texts else ""))
    return f"{result['status'].upper()} (was {before.upper()}): " + "; ".join(reasons)


def build_block(ruleset: RuleSet, evaluation: Evaluation, weeks: int) -> list[dict[str, Any]]:
    """Week 1 exactly as `plan` gives it, then each projected week (`"projection": true`); the one
    week while a referral waits for the assessment."""
    knowledge = ruleset.knowledge
    first, advice = plan_week(ruleset, evaluation)
    snapshot = dict(evaluation.snapshot)
    block = [plan_result(first, advice, knowledge)]
    if meanwhile(advice) is not None:
        block[0]["stop"] = REPLAN
        return block
    evaluator = Evaluator(ruleset)
    race = (snapshot.get("plan") or {}).get("race_in_days")
    post_race = knowledge.programming.post_race if knowledge.programming else None
    recovery_days = 7 * int(post_race["recovery_weeks"]) if post_race else 0
    week, carry = first, Carry(known=_done(first, ()))
    for number in range(2, weeks + 1):
        was_deload = deload_week(advice, snapshot)
        snapshot, assumed = next_state(knowledge, snapshot, advice, number == 2, _stages(ruleset, week))
        start = 7 * (number - 1)
        after = None if race is None else start - int(race)
        recovery = after is not None and 0 < after < recovery_days
        if recovery:
            snapshot["plan"].update(phase="deload", weeks_in_phase=0)
        back = after is not None and recovery_days <= after < recovery_days + 7
        if back:
            assumed.append("back after the recovery fortnight: the loads before the taper, less 10-20 %")
        snapshot = dict(validate(snapshot))
        jumped = any(s.jumping() for s in week.sessions)
        carry = Carry(_progress(week, carry, was_deload, back), carry.known, jumped, recovery, projected=True)
        before = block[-1]["status"]
        advice = resolve_advice(ruleset, evaluator.evaluate(snapshot))
        week = apply_advice(ruleset, snapshot, advice, carry)
        for session in week.sessions:
            for entry in session.main:
                entry.new = entry.new and entry.key not in carry.known
        carry = Carry(carry.progress, _done(week, carry.known))
        result = plan_result(week, advice, knowledge)
        result.update(projection=True, week=number, deload=deload_week(advice, snapshot), revise=REVISE)
        result["projected"] = assumed
        result["status_why"] = _status_why(ruleset, advice, before, result)
        block.append(result)
        if meanwhile(advice) is not None:
            result["stop"] = REPLAN
            break
    return block
