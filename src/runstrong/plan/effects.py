"""The advice applied to the week through the `effects` each kept adjustment declares (never its
id): a referral's "meanwhile", fewer sessions, pain-free swaps (one programme for exercises that
are alternatives), hard-day sessions, heavy sessions, a deload's lower intensity."""

from __future__ import annotations

from runstrong.advice.dose import Context
from runstrong.advice.dose_context import meanwhile
from runstrong.advice.resolve import REFERRAL, Advice, Recommendation
from runstrong.plan.choose import Filters, item
from runstrong.plan.lighten import lighten
from runstrong.plan.model import INTENSITIES, Applied, Holding, Session, Week, hours_apart, plural
from runstrong.plan.week import MIN_EXERCISES, fill
from runstrong.rules.knowledge import KnowledgeBase


def with_effect(advice: Advice, name: str, value: str | None = None) -> list[Recommendation]:
    """The kept adjustments declaring this effect (with this value), in priority order."""
    return [
        rec
        for rec in advice.recommendations
        if name in rec.adjustment.effects and (value is None or rec.adjustment.effects[name] == value)
    ]


def alternative(knowledge: KnowledgeBase, key: str, present: set[str]) -> str | None:
    """The exercise of `key`'s programme already in the week ("Spanish squat or wall sit": one of
    them), None when there is none."""
    programming = knowledge.programming
    groups = (programming.alternatives or {}).get("exercises", []) if programming else []
    for group in groups:
        if key in group:
            return next((k for k in group if k in present), None)
    return None


def referral(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """Until the athlete is assessed: no training at all (`nothing`), supported upper-body and trunk
    work away from a referred site in the leg (light sessions avoiding any other site), or light
    unloaded sessions with easy, capped running (`reduced`)."""
    mode = meanwhile(advice)
    if mode is None:
        return
    programming = knowledge.programming
    assert programming is not None
    leg = bool(filters.referred & knowledge.site_parts("lower_limb")) or not advice.referred_sites
    words = knowledge.referral.meanwhile.get(mode, {}).get("plan", mode.replace("_", " "))
    week.notes = [n for n in week.notes if "template" not in n]
    if mode == "nothing":
        week.no_training = week.running_stopped = True
        week.sessions = []
        week.applied_effect(REFERRAL, words)
        return
    if mode == "away_from_site" and leg:
        week.running_stopped = True
        filters.supported_only = True
        week.notes.append(f"{words} (the referral): no running until a clinician has assessed it")
    elif mode == "reduced":
        week.runs_easy = True
    for session in list(week.sessions):
        session.shaped_by(REFERRAL)
        slots = session.slots if mode == "away_from_site" and not leg else []
        shape = programming.sessions["upper_trunk" if mode == "away_from_site" and leg else "light"]
        session.intensity, session.template, session.main, session.slots = "light", shape.key, [], []
        session.planned_contacts = 0
        fill(knowledge, ctx, week, session, slots or list(shape.slots), filters, usual=False)
        session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})
        if not session.main:
            week.sessions.remove(session)
    week.applied_effect(REFERRAL, words)


def fewer_sessions(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """Down to the advice's number of sessions: the hardest first, then the one closest to a hard
    run; at least one stays, and a cut keeps one light full-body session."""
    for rec in with_effect(advice, "frequency", "down") + with_effect(advice, "volume", "down"):
        value = rec.params.get("sessions_per_week")
        cut = rec.adjustment.effects.get("frequency") == "down"
        if isinstance(value, int | float) and not isinstance(value, bool):
            target = max(1, int(value))
        elif cut:
            target = max(1, min(2, len(week.sessions) - 1))
        else:
            continue
        hard = week.calendar.hard_days()
        while len(week.sessions) > target:
            least = max(
                week.sessions,
                key=lambda s: (
                    INTENSITIES.index(s.intensity),
                    s.heavy_legs(),
                    -min((hours_apart(s.day, d) for d in hard if s.day), default=168),
                ),
            )
            week.sessions.remove(least)
            week.dropped.append(
                {"day": least.planned_day or least.day, "because": [rec.adjustment.id], "why": "the hardest first"}
            )
        kept = f"at most {plural(target, 'gym session')} this week"
        if (
            cut
            and week.sessions
            and not any(s.intensity == "light" and s.focus() == "full body" for s in week.sessions)
        ):
            session = min(week.sessions, key=lambda s: (INTENSITIES.index(s.intensity), s.heavy_legs()))
            lighten(knowledge, ctx, week, session, filters, "the light full-body session the advice keeps")
            session.shaped_by(rec.adjustment.id)
            week.applied_effect(rec.adjustment.id, kept + "; one light full-body session (", session, ")")
        else:
            week.applied_effect(rec.adjustment.id, kept)


def _variant(knowledge: KnowledgeBase, week: Week, rec: Recommendation, filters: Filters, present: set[str]) -> str:
    """The pain-free variant for a stopped exercise: the one of its programme already in the week,
    else the first the advice lists that is allowed."""
    same = next((a for k in rec.exercises if (a := alternative(knowledge, k, present))), None)
    return same or next((k for k in rec.exercises if filters.allowed(knowledge, k, advised=True)), "")


def _swap(
    knowledge: KnowledgeBase, week: Week, rec: Recommendation, ctx: Context, session: Session | None, old: str, key: str
) -> Holding:
    """The variant into the home programme (a daily protocol) or the session; what was swapped."""
    new = item(knowledge, ctx, key, [rec.adjustment.id], session.part() if session else "main", previous=False)
    new.swap_for, new.rehab = old, True
    if new.dose.setting == "home" or session is None:
        if all(i.key != key for i in week.daily):
            week.daily.append(new)
    elif key not in session.exercise_keys():
        session.main.append(new)
    return Holding(rec.adjustment.id, key, f"{old} -> {new.name}" if old else f"{new.name} added")


def swaps(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """Exercises the advice stops (a painful site, jumping) swapped for a pain-free variant (one of
    a programme's alternatives, never two); advice that stops a painful site always leaves its
    pain-free variant in the week; then anything still not allowed taken out."""
    stop_jumping = bool(with_effect(advice, "plyometrics", "stop"))
    for rec in with_effect(advice, "exercises", "substitute"):
        clauses: list[list[str | Session] | Holding] = []
        for session in week.sessions:
            for old in list(session.main):
                jumping = rec.adjustment.effects.get("plyometrics") == "stop" and old.jumping
                if not (jumping or (filters.why_not(knowledge, old.key) == "it loads a painful site")):
                    continue
                session.main.remove(old)
                present = session.exercise_keys() | {i.key for i in week.daily}
                key = _variant(knowledge, week, rec, filters, present)
                if key:
                    clauses.append(_swap(knowledge, week, rec, ctx, session, old.name, key))
                else:
                    clauses.append([f"{old.name} stopped (", session, ")"])
                session.shaped_by(rec.adjustment.id)
        present = {k for s in week.sessions for k in s.exercise_keys()} | {i.key for i in week.daily}
        if rec.adjustment.stops == "dynamic" and not set(rec.exercises) & present:
            key = _variant(knowledge, week, rec, filters, present)
            target = min(week.sessions, key=lambda s: INTENSITIES.index(s.intensity), default=None)
            if key:
                clauses.append(_swap(knowledge, week, rec, ctx, target, "", key))
        week.applied.append(Applied(rec.adjustment.id, clauses or [["nothing in the week needed a swap"]]))
    for session in week.sessions:
        for old in list(session.main):
            advised = old.rehab or bool(old.swap_for)
            stacks = "" if advised else filters.provokes(knowledge, old.key)
            why = filters.why_not(knowledge, old.key) or (f"it would stack on “{stacks}”" if stacks else "")
            if why or (stop_jumping and old.jumping):
                session.main.remove(old)
                instead = [] if old.jumping else fill(knowledge, ctx, week, session, [old.slot], filters)
                also = f"; {instead[0].name} instead" if instead else ""
                session.notes.append(f"{old.name} left out: {why or 'no jumping this week'}{also}")
        refill(knowledge, week, session, ctx, filters)


def refill(knowledge: KnowledgeBase, week: Week, session: Session, ctx: Context, filters: Filters) -> None:
    """A session the advice left short gets pain-free work from a light session's slots."""
    programming = knowledge.programming
    assert programming is not None
    if len(session.main) >= MIN_EXERCISES["light"] or session.template in ("upper_trunk", "protocol_extra"):
        return
    before = {i.key for i in session.main}
    slots = [s for s in programming.sessions["light"].slots if s not in {i.slot for i in session.main}]
    fill(knowledge, ctx, week, session, slots, filters, usual=False)
    added = [i.name for i in session.main if i.key not in before]
    if added:
        session.notes.append(f"filled with pain-free work: {', '.join(added)}")
        session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})


def hard_day_sessions(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """A session still on a hard running day becomes upper body and trunk, at most moderate."""
    programming = knowledge.programming
    assert programming is not None
    for rec in with_effect(advice, "exercises", "hard_days"):
        changed: list[str | Session] = []
        for session in week.sessions:
            if session.day not in week.calendar.hard_days() or week.runs_easy or week.running_stopped:
                continue
            shape = programming.sessions["upper_trunk"]
            session.template, session.main, session.slots = shape.key, [], list(shape.slots)
            session.intensity = "light" if session.intensity == "light" else "moderate"
            for key in [k for k in rec.exercises if filters.allowed(knowledge, k)][: shape.exercises]:
                session.main.append(item(knowledge, ctx, key, [rec.adjustment.id]))
            session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})
            session.shaped_by(rec.adjustment.id)
            changed += [", "] * bool(changed) + [session]
        if changed:
            week.applied_effect(rec.adjustment.id, "upper body and trunk on ", *changed)
        else:
            week.applied_effect(rec.adjustment.id, "no gym session is left on a hard run day")


def intensity(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """At most the advice's number of heavy sessions (the others lightened); no high-intensity
    session yet; a deload lowers every session one step."""
    for rec in with_effect(advice, "heavy_sessions", "limit"):
        most = int(rec.params.get("sessions_per_week", rec.adjustment.defaults.get("sessions_per_week", 1)))
        heavy = [s for s in week.ordered() if s.heavy_legs()]
        for session in sorted(heavy, key=lambda s: -INTENSITIES.index(s.intensity))[most:]:
            lighten(knowledge, ctx, week, session, filters, f"at most {plural(most, 'heavy session')} a week")
            session.shaped_by(rec.adjustment.id)
        week.applied_effect(rec.adjustment.id, f"at most {plural(most, 'heavy session')} a week")
    for rec in with_effect(advice, "intensity", "moderate"):
        capped = [s for s in week.sessions if s.intensity == "high"]
        for session in capped:
            session.intensity = "moderate"
            session.notes.append("high made moderate: no high-intensity session yet")
            session.shaped_by(rec.adjustment.id)
        parts: list[str | Session] = ["high -> moderate on "] if capped else ["no high session in the week"]
        for n, session in enumerate(capped):
            parts += [", "] * bool(n) + [session]
        week.applied_effect(rec.adjustment.id, *parts)
    lowering = with_effect(advice, "intensity", "down")
    if week.phase == "deload" and not lowering:
        _lower(week)
    for rec in lowering:
        _lower(week)
        for session in week.sessions:
            session.shaped_by(rec.adjustment.id)
        week.applied_effect(
            rec.adjustment.id,
            "about two-thirds of each exercise's usual sets (two at least for a main lift), last week's loads "
            f"less {ctx.deload_pct or 20:g} %, no jumping, no new exercise; each session one step lighter",
        )


def _lower(week: Week) -> None:
    """A deload week: every session one intensity step lower."""
    for session in week.sessions:
        step = INTENSITIES.index(session.intensity)
        if step:
            session.notes.append(f"{session.intensity} made {INTENSITIES[step - 1]}: a deload week")
            session.intensity = INTENSITIES[step - 1]


def heavy_days_only(knowledge: KnowledgeBase, week: Week, ctx: Context, filters: Filters) -> None:
    """A heavy lift left in a session the calendar made easier waits for a high-intensity day: the
    slot gets a lift at a non-heavy dose (a deload keeps its lifts, at its own lighter dose)."""
    if ctx.deload_pct is not None:
        return
    for session in week.sessions:
        for old in [i for i in session.main if i.dose.high_only and session.intensity != "high"]:
            session.main.remove(old)
            added = fill(knowledge, ctx, week, session, [old.slot], filters)
            instead = f": {added[0].name} instead" if added else ""
            session.notes.append(f"{old.name} waits for a high-intensity day{instead}")
