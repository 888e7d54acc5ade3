"""The plan for one snapshot: the usual week for this athlete, the resolved advice applied through
its effects, the calendar's rules (hard runs, the race), every session finished as a coach writes
it and the schedule checked; as the JSON-ready structure every format renders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from runstrong.advice.dose import Context, context, dose_source, meanwhile, threshold
from runstrong.advice.resolve import Advice, resolve_advice
from runstrong.engine.records import Evaluation
from runstrong.plan import effects, schedule
from runstrong.plan.athlete import who
from runstrong.plan.choose import Filters, week_filters
from runstrong.plan.model import DAYS, Week
from runstrong.plan.session import finish
from runstrong.plan.week import build_week
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.model import RuleSet
from runstrong.util.errors import UserError

RUNNING_WORDS = {
    "stop": "no running this week: walk, cycle or pool-run instead",
    "down": "runs shorter, easy and flat this week",
    "hold": "keep this week's running distance, the long run within 110 % of the month's longest",
    "up": "the walk-run programme as the advice says, every other day",
}


def plan_week(ruleset: RuleSet, evaluation: Evaluation) -> tuple[Week, Advice]:
    """Build the week and apply the advice `recommend` gives for this evaluation."""
    advice = resolve_advice(ruleset, evaluation)
    return apply_advice(ruleset, dict(evaluation.snapshot), advice), advice


def rules_for(knowledge: KnowledgeBase, advice: Advice, hours: int) -> schedule.Rules:
    programming = knowledge.programming
    assert programming is not None
    taper = programming.modifiers["taper"]
    return schedule.Rules(
        hours=hours,
        no_gym_days=int(taper["no_gym_days"]),
        last_heavy_days=int(taper["last_heavy_days"]),
        race_week_days=threshold(knowledge, "race_week_days"),
        race_week_sessions=int(taper["race_week_sessions"]),
    )


def apply_advice(ruleset: RuleSet, snapshot: dict[str, Any], advice: Advice, known: tuple[str, ...] = ()) -> Week:
    """The week for `snapshot` with `advice` applied and the schedule checked."""
    knowledge = ruleset.knowledge
    programming = knowledge.programming
    if programming is None:
        raise UserError("the knowledge base has no programming.yaml: runstrong plan needs its programming model")
    athlete = who(knowledge, snapshot)
    ctx = context(knowledge, advice, snapshot)
    leave_out = athlete.leave_out
    full = week_filters(knowledge, advice, leave_out, unloaded_only=meanwhile(advice) == "reduced")
    week = build_week(knowledge, snapshot, advice.status, ctx, Filters(leave_out=leave_out), athlete, known)
    week.notes += athlete.notes
    rules = rules_for(knowledge, advice, athlete.spacing_hours(programming, schedule.min_hours(advice)))
    effects.referral(knowledge, week, advice, ctx, full)
    schedule.place(week, rules)
    effects.fewer_sessions(week, advice)
    effects.swaps(knowledge, week, advice, ctx, full)
    room = {"no_new": _race_hold(knowledge, snapshot), "max_new": athlete.max_new(programming)}
    effects.added_work(knowledge, week, advice, ctx, full, room)
    schedule.place(week, rules)
    schedule.explain_moves(week, advice, rules)
    effects.hard_day_sessions(knowledge, week, advice, ctx, full)
    effects.intensity(week, advice)
    effects.heavy_days_only(knowledge, week, ctx, full)
    finish(knowledge, week, advice, ctx, full)
    _running(week, advice)
    _taper(knowledge, week, ctx)
    _described(week, advice, ctx)
    done = {a["adjustment"] for a in week.applied}
    for rec in advice.recommendations:
        if rec.adjustment.id not in done:
            week.applied_effect(rec.adjustment.id, "nothing to change in the gym week (see the advice)")
    week.constraints = schedule.check(week, rules)
    return week


def _race_hold(knowledge: KnowledgeBase, snapshot: dict[str, Any]) -> str:
    """Why no new exercise comes in this week before a race; empty when it may."""
    race = (snapshot.get("plan") or {}).get("race_in_days")
    days = threshold(knowledge, "race_no_new_work_days")
    if isinstance(race, int) and race <= days:
        return f"the race is in {race} days: no new exercise in the last {days // 7} weeks"
    return ""


def _running(week: Week, advice: Advice) -> None:
    for rec in effects.with_effect(advice, "running"):
        value = rec.adjustment.effects["running"]
        if value == "stop":
            week.running_stopped = True
        week.running_note = week.running_note or RUNNING_WORDS.get(value, "")
        week.applied_effect(rec.adjustment.id, RUNNING_WORDS.get(value, "running as the advice says"))


def _load_words(ctx: Context) -> str:
    if ctx.load_pct is None:
        return ""
    if ctx.load_pct < 0:
        return f"loads {ctx.load_pct:g} % on the loaded lifts"
    if ctx.load_pct == 0:
        return "the same loads as last week on the loaded lifts"
    if ctx.youth or ctx.taper:
        return "no load increase this week: " + (
            "a young athlete's load follows technique" if ctx.youth else "the taper"
        )
    novice = ", none on the technique-first lifts (more load only when every rep is clean)" if ctx.novice else ""
    return (
        f"loads +{ctx.load_pct:g} % on the loaded lifts where you beat the target reps by 1-2 in two sessions{novice}"
    )


def _described(week: Week, advice: Advice, ctx: Context) -> None:
    """What the load, tempo and no-new-work advice did, for the adjustments no step described."""
    done = {a["adjustment"] for a in week.applied}
    for rec in advice.recommendations:
        effects_ = rec.adjustment.effects
        words = ""
        if effects_.get("load") in ("down", "hold", "up") and "volume" not in effects_:
            words = _load_words(ctx)
        elif effects_.get("tempo") == "slow_eccentric":
            words = "lowering over 4 s on the strength lifts"
        elif effects_.get("exercises") in ("warm_up", "cool_down"):
            words = f"in every {effects_['exercises'].replace('_', '-')}"
        elif effects_.get("new_work") == "none":
            words = "no new exercise added this week"
        elif rec.adjustment.excludes or rec.adjustment.avoid_positions:
            words = "what it rules out is in no session, warm-ups and cool-downs included"
        elif effects_.get("exercises") == "lists":
            words = "nothing added: the week's own lifts, at their doses"
        if words and rec.adjustment.id not in done:
            week.applied_effect(rec.adjustment.id, words)


def _taper(knowledge: KnowledgeBase, week: Week, ctx: Context) -> None:
    if ctx.taper:
        programming = knowledge.programming
        assert programming is not None
        taper = programming.modifiers["taper"]
        week.notes.append(
            f"taper: the race is close, so about {round(float(taper['sets_factor']) * 100)} % of the usual sets at "
            f"the usual loads, no new exercise, the last heavy session {taper['last_heavy_days']}-14 days out"
        )


def _dates(week: Week) -> dict[str, str]:
    date = dt.date.fromisoformat(week.date)
    monday = date - dt.timedelta(days=date.weekday())
    return {day: str(monday + dt.timedelta(days=n)) for n, day in enumerate(DAYS)}


def _loads(knowledge: KnowledgeBase, week: Week) -> list[dict[str, str]]:
    """How to choose the load, once for each goal in the week, with its sources."""
    seen: dict[str, dict[str, str]] = {}
    for entry in [i for s in week.ordered() for i in s.main] + week.daily:
        dose = entry.dose
        if dose.goal not in seen:
            seen[dose.goal] = {
                "goal": dose.goal,
                "title": dose.title,
                "first_load": dose.first_load,
                "progression": dose.progression,
                "source": dose_source(knowledge, dose),
            }
    return list(seen.values())


def plan_result(week: Week, advice: Advice, knowledge: KnowledgeBase) -> dict[str, Any]:
    """The plan as JSON-ready data: all seven days, Monday first."""
    ordered = week.ordered()
    dates = _dates(week)
    return {
        "athlete_id": week.athlete_id,
        "date": week.date,
        "status": week.status,
        "phase": week.phase,
        "source": week.source,
        "key_run_days": week.calendar.key_run_days,
        "long_run_day": week.calendar.long_run_day,
        "race_day": week.calendar.race_day(),
        "days": [
            {
                "day": day,
                "date": dates[day],
                "running": week.running(day),
                "sessions": [s.as_dict() for s in ordered if s.day == day],
            }
            for day in DAYS
        ],
        "daily": [entry.as_dict() for entry in week.daily],
        "running_note": week.running_note,
        "loads": _loads(knowledge, week),
        "constraints": [c.as_dict() for c in week.constraints],
        "applied": list(week.applied),
        "dropped": list(week.dropped),
        "advice": [rec.adjustment.id for rec in advice.recommendations],
        "advice_titles": {rec.adjustment.id: rec.adjustment.title for rec in advice.recommendations},
        "referred_sites": list(advice.referred_sites),
        "notes": list(dict.fromkeys(week.notes)),
        "total_sets": week.total_sets(),
        "planned_sets": week.sets_before,
    }


def build_plan(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Any]:
    week, advice = plan_week(ruleset, evaluation)
    return plan_result(week, advice, ruleset.knowledge)
