"""The plan for one snapshot: the week, the resolved advice applied in order, the schedule
checked; as the JSON-ready structure every format renders."""

from __future__ import annotations

from typing import Any

from runstrong.advice.resolve import Advice, resolve_advice
from runstrong.engine.records import Evaluation
from runstrong.plan import apply, schedule
from runstrong.plan.model import DAYS, Week
from runstrong.plan.week import build_week
from runstrong.rules.model import RuleSet


def plan_week(ruleset: RuleSet, evaluation: Evaluation) -> tuple[Week, Advice]:
    """Build the week and apply the advice `recommend` gives for this evaluation."""
    advice = resolve_advice(ruleset, evaluation)
    return apply_advice(ruleset, dict(evaluation.snapshot), advice), advice


def apply_advice(ruleset: RuleSet, snapshot: dict[str, Any], advice: Advice) -> Week:
    """The week for `snapshot` with `advice` applied in order and the schedule checked."""
    knowledge = ruleset.knowledge
    week = build_week(knowledge, snapshot, advice.status)
    apply.restrict(knowledge, week, advice)
    apply.swap_painful(knowledge, week, advice)
    apply.reduce_sessions(week, advice)
    schedule.place(week, advice)
    apply.emphasise_upper_body(knowledge, week, advice)
    apply.plyometrics(knowledge, week, advice)
    apply.add_work(knowledge, week, advice)
    apply.change_loads(week, advice)
    apply.leave_out_excluded(ruleset.knowledge, week, advice)
    week.constraints = schedule.check(week, advice)
    return week


def plan_result(week: Week, advice: Advice) -> dict[str, Any]:
    """The plan as JSON-ready data: all seven days, Monday first."""
    ordered = week.ordered()
    return {
        "athlete_id": week.athlete_id,
        "date": week.date,
        "status": week.status,
        "phase": week.phase,
        "source": week.source,
        "key_run_days": week.key_run_days,
        "days": [
            {"day": day, "running": week.running(day), "sessions": [s.as_dict() for s in ordered if s.day == day]}
            for day in DAYS
        ],
        "constraints": [c.as_dict() for c in week.constraints],
        "applied": list(week.applied),
        "dropped": list(week.dropped),
        "advice": [rec.adjustment.id for rec in advice.recommendations],
        "referred_sites": list(advice.referred_sites),
        "notes": list(week.notes),
        "total_sets": week.total_sets(),
        "planned_sets": week.sets_before,
    }


def build_plan(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Any]:
    return plan_result(*plan_week(ruleset, evaluation))
