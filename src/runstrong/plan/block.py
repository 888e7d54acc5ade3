"""The coming block (`runstrong plan --weeks N`): week 1 is the plan for the snapshot; each later
week is planned afresh from the state projected for it (a week later, the race closer, the phase
and deloads moved on, the advice followed), with the rules evaluated again on that state. Every
projected week says what it assumed; the next check-in revises it."""

from __future__ import annotations

from typing import Any

from runstrong.advice.resolve import resolve_advice
from runstrong.engine.evaluator import Evaluator
from runstrong.engine.records import Evaluation
from runstrong.plan.build import apply_advice, plan_result, plan_week
from runstrong.plan.project import deload_week, next_state
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import validate

MAX_WEEKS = 12
REVISE = "a projection: the next check-in will revise it"


def build_block(ruleset: RuleSet, evaluation: Evaluation, weeks: int) -> list[dict[str, Any]]:
    """Week 1 exactly as `plan` gives it, then each projected week (`"projection": true`)."""
    first, advice = plan_week(ruleset, evaluation)
    snapshot = dict(evaluation.snapshot)
    block = [plan_result(first, advice, ruleset.knowledge)]
    evaluator = Evaluator(ruleset)
    known = dict.fromkeys(e.key for s in first.ordered() for e in s.main)
    for number in range(2, weeks + 1):
        snapshot, assumed = next_state(ruleset.knowledge, snapshot, advice, number == 2)
        snapshot = dict(validate(snapshot))
        advice = resolve_advice(ruleset, evaluator.evaluate(snapshot))
        week = apply_advice(ruleset, snapshot, advice, tuple(known))
        for session in week.sessions:
            for entry in session.main:
                entry.new = entry.new and entry.key not in known
        known |= dict.fromkeys(e.key for s in week.ordered() for e in s.main)
        result = plan_result(week, advice, ruleset.knowledge)
        result.update(projection=True, week=number, deload=deload_week(advice, snapshot), revise=REVISE)
        result["projected"] = assumed
        block.append(result)
    return block
