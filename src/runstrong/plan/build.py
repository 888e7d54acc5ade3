"""The plan for one snapshot: the usual week for this athlete, the resolved advice applied through
its effects, the calendar's rules (hard runs, the race) checked on what each session holds, every
session finished as a coach writes it; as the JSON-ready structure every format renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runstrong.advice.dose import Context
from runstrong.advice.dose_context import context, dose_source, meanwhile, threshold
from runstrong.advice.resolve import REFERRAL, Advice, resolve_advice
from runstrong.engine.records import Evaluation
from runstrong.plan import added, effects, schedule
from runstrong.plan.athlete import dates, who
from runstrong.plan.carry import Carry
from runstrong.plan.choose import Filters, week_filters
from runstrong.plan.coverage import coverage
from runstrong.plan.jumping import jumping, power_work
from runstrong.plan.lighten import lighten
from runstrong.plan.model import Item, Session, Week
from runstrong.plan.running import running
from runstrong.plan.session import finish
from runstrong.plan.stops import plyometric_stop
from runstrong.plan.week import build_week
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.model import RuleSet
from runstrong.util.errors import UserError


def plan_week(ruleset: RuleSet, evaluation: Evaluation) -> tuple[Week, Advice]:
    """Build the week and apply the advice `recommend` gives for this evaluation."""
    advice = resolve_advice(ruleset, evaluation)
    return apply_advice(ruleset, dict(evaluation.snapshot), advice), advice


def rules_for(knowledge: KnowledgeBase, hours: int, masters: bool | None) -> schedule.Rules:
    programming = knowledge.programming
    assert programming is not None
    taper = programming.modifiers["taper"]
    masters_hours = int(programming.athletes["masters"].get("high_load_hours", schedule.DEFAULT_HOURS))
    return schedule.Rules(
        hours=hours,
        run_hours=masters_hours if masters else schedule.DEFAULT_HOURS,
        no_gym_days=int(taper["no_gym_days"]),
        last_heavy_days=int(taper["last_heavy_days"]),
        race_week_days=threshold(knowledge, "race_week_days"),
        race_week_sessions=int(taper["race_week_sessions"]),
    )


def _holds_new(advice: Advice) -> bool:
    return any(r.adjustment.effects.get("new_work") == "none" for r in advice.recommendations)


def apply_advice(ruleset: RuleSet, snapshot: dict[str, Any], advice: Advice, carry: Carry | None = None) -> Week:
    """The week for `snapshot` with `advice` applied and the schedule checked."""
    carry = carry or Carry()
    knowledge = ruleset.knowledge
    programming = knowledge.programming
    if programming is None:
        raise UserError("the knowledge base has no programming.yaml: runstrong plan needs its programming model")
    athlete = who(knowledge, snapshot)
    ctx = context(knowledge, advice, snapshot, carry.progress)
    filters = week_filters(knowledge, advice, athlete.leave_out, unloaded_only=meanwhile(advice) == "reduced")
    if carry.projected and (_holds_new(advice) or ctx.deload_pct is not None):
        filters.known_only = carry.known
    usual = Filters(leave_out=athlete.leave_out, known_only=filters.known_only)
    week = build_week(knowledge, snapshot, advice.status, ctx, usual, athlete, carry.known)
    if meanwhile(advice) is None:
        week.notes += athlete.notes
    effects.referral(knowledge, week, advice, ctx, filters)
    if week.no_training:
        week.constraints = []
        return week
    week.runs_easy = week.runs_easy or carry.recovery
    rules = rules_for(knowledge, athlete.spacing_hours(programming, schedule.min_hours(advice)), athlete.masters)

    def light(session: Session, why: str) -> None:
        lighten(knowledge, ctx, week, session, filters, why)

    effects.fewer_sessions(knowledge, week, advice, ctx, filters)
    effects.swaps(knowledge, week, advice, ctx, filters)
    room = {"no_new": _race_hold(knowledge, snapshot), "max_new": athlete.max_new(programming)}
    added.added_work(knowledge, week, advice, ctx, filters, room, carry.week_of)
    jumping(knowledge, week, advice, ctx, filters, carry, plyometric_stop(ruleset, snapshot))
    effects.intensity(knowledge, week, advice, ctx, filters)
    effects.heavy_days_only(knowledge, week, ctx, filters)
    finish(knowledge, week, advice, ctx, filters)
    schedule.place(week, rules, light)
    added.shortfall(week, _fits(week, rules), _extra(knowledge, ctx))
    schedule.explain_moves(week, advice, rules)
    effects.hard_day_sessions(knowledge, week, advice, ctx, filters)
    power_work(knowledge, week, ctx, filters)
    finish(knowledge, week, advice, ctx, filters)
    for session in week.sessions:  # the label says what the session holds
        if session.intensity == "high" and not session.heavy_legs():
            session.intensity = "moderate"
        if session.intensity == "moderate" and not any(i.equipment == "loaded" or i.heavy for i in session.main):
            session.intensity = "light"
    running(knowledge, week, advice, snapshot, carry.recovery)
    _taper(knowledge, week, ctx)
    _described(week, advice, ctx)
    coverage(knowledge, week, advice, filters)
    done = {a.adjustment for a in week.applied}
    for rec in advice.recommendations:
        if rec.adjustment.id not in done:
            week.applied_effect(rec.adjustment.id, "nothing to change in the gym week (see the advice)")
    if not week.sessions and not week.daily:
        _no_gym(week, advice, athlete.notes)
    week.constraints = [] if meanwhile(advice) else schedule.check(week, rules)
    return week


def _no_gym(week: Week, advice: Advice, athlete_notes: list[str]) -> None:
    """A week without gym work (the race, its last days): only the running advice has anything to do."""
    running = {r.adjustment.id for r in advice.recommendations if "running" in r.adjustment.effects}
    for applied in week.applied:
        if applied.adjustment not in running:
            applied.clauses = [["no gym session this week"]]
    week.notes = [n for n in week.notes if n not in athlete_notes]
    week.left_out.clear()


def _fits(week: Week, rules: schedule.Rules) -> Callable[[Session, str], bool]:
    def fits(session: Session, day: str) -> bool:
        taken = {s.day for s in week.sessions}
        return (
            day not in taken
            and not schedule.blocked(week, session, day, rules)
            and not any(schedule.clash(session, other, day, rules) for other in week.sessions)
        )

    return fits


def _extra(knowledge: KnowledgeBase, ctx: Context) -> Callable[[list[Item]], Session]:
    def extra(items: list[Item]) -> Session:
        session = Session("", "moderate", sorted({g for i in items for g in knowledge.exercises[i.key].muscle_groups}))
        session.template, session.extra = "protocol_extra", True
        session.main = list(items)
        session.notes.append("a short extra session for this programme: at home or in the gym")
        return session

    return extra


def _race_hold(knowledge: KnowledgeBase, snapshot: dict[str, Any]) -> str:
    """Why no new exercise comes in this week before a race; empty when it may."""
    race = (snapshot.get("plan") or {}).get("race_in_days")
    days = threshold(knowledge, "race_no_new_work_days")
    if isinstance(race, int) and race <= days:
        return f"the race is in {race} days: no new exercise in the last {days // 7} weeks (this project's choice)"
    return ""


def _load_words(ctx: Context) -> str:
    if ctx.load_pct is None:
        return ""
    if ctx.load_pct < 0:
        return f"{ctx.load_base} {ctx.load_pct:g} % on the loaded lifts"
    if ctx.load_pct == 0:
        return f"{ctx.load_base} on the loaded lifts, no increase"
    if ctx.youth or ctx.taper:
        return "no load increase this week: " + (
            "a young athlete's load follows technique" if ctx.youth else "the taper"
        )
    novice = ", none on the technique-first lifts (more load only when every rep is clean)" if ctx.novice else ""
    where = "where you beat the target reps by 1-2 in two sessions"
    return f"{ctx.load_base} +{ctx.load_pct:g} % on the loaded lifts {where}{novice}"


def _described(week: Week, advice: Advice, ctx: Context) -> None:
    """What the load, tempo and no-new-work advice did, for the adjustments no step described."""
    done = {a.adjustment for a in week.applied}
    for rec in advice.recommendations:
        effects_ = rec.adjustment.effects
        words = ""
        if not week.sessions and not week.daily and "running" not in effects_ and rec.adjustment.id != REFERRAL:
            words = "no gym session this week"
        elif effects_.get("load") == "up" and ctx.return_pct:
            words = f"no increase this week: back after the race at {ctx.load_base} less 10-20 %"
        elif effects_.get("load") in ("down", "hold", "up") and "volume" not in effects_:
            words = _load_words(ctx)
        elif effects_.get("tempo") == "slow_eccentric":
            words = "lowering over 4 s on the strength lifts"
        elif effects_.get("exercises") in ("warm_up", "cool_down"):
            part = effects_["exercises"].replace("_", "-")
            words = f"in every {part}" if week.sessions else ""
        elif effects_.get("new_work") == "none":
            words = "no new exercise added this week"
        elif rec.adjustment.excludes or rec.adjustment.avoid_positions:
            words = "what it rules out is in no session, warm-ups and cool-downs included"
        elif effects_.get("exercises") == "lists":
            words = "nothing added: the week's own lifts, at their doses"
        if words and rec.adjustment.id not in done:
            week.applied_effect(rec.adjustment.id, words)


def _taper(knowledge: KnowledgeBase, week: Week, ctx: Context) -> None:
    if ctx.taper and week.sessions:
        programming = knowledge.programming
        assert programming is not None
        taper = programming.modifiers["taper"]
        share = round(float(taper["sets_factor"]) * 100)
        loads = "the loads as each line says" if (ctx.load_pct or 0) < 0 else "at the usual loads"
        week.notes.append(
            f"taper: the race is close, so about {share} % of the usual sets, {loads}, no new exercise, "
            f"no heavy leg work in the last {taper['last_heavy_days']} days"
        )


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
    """The plan as JSON-ready data: the seven days from the snapshot's date."""
    ordered = week.ordered()
    on = dates(week.date)
    applied = [
        {"adjustment": a.adjustment, "effect": a.text(week), "left_out": list(week.left_out.get(a.adjustment, []))}
        for a in week.applied
    ]
    return {
        "athlete_id": week.athlete_id,
        "date": week.date,
        "status": week.status,
        "phase": week.phase,
        "source": week.source,
        "no_training": week.no_training,
        "key_run_days": week.calendar.key_run_days,
        "long_run_day": week.calendar.long_run_day,
        "race_day": week.calendar.race_day(),
        "days": [
            {
                "day": day,
                "date": on[day],
                "running": week.running(day),
                "sessions": [s.as_dict() for s in ordered if s.day == day],
            }
            for day in week.days()
        ],
        "daily": [entry.as_dict() for entry in week.daily],
        "running_note": week.running_note,
        "loads": _loads(knowledge, week),
        "constraints": [c.as_dict() for c in week.constraints],
        "applied": applied,
        "dropped": list(week.dropped),
        "advice": [rec.adjustment.id for rec in advice.recommendations],
        "advice_titles": {rec.adjustment.id: rec.adjustment.title for rec in advice.recommendations},
        "referred_sites": list(advice.referred_sites),
        "notes": list(dict.fromkeys(week.notes)),
        "usual": list(week.usual),
        "total_sets": week.total_sets(),
        "planned_sets": week.sets_before,
    }


def build_plan(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Any]:
    week, advice = plan_week(ruleset, evaluation)
    return plan_result(week, advice, ruleset.knowledge)
