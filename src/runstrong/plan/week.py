"""The usual week before the advice: the athlete's planned sessions with exercises for their muscle
groups, or the phase's session templates (the athlete's own for a youth or novice lifter), each
slot filled from the phase's pool."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from runstrong.advice.dose import Context, prescribe
from runstrong.plan.athlete import Athlete, calendar
from runstrong.plan.choose import DEFAULT_PHASE, Filters, item, pick, template
from runstrong.plan.model import INTENSITIES, Item, Session, Week
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.programming import Programming

#: A planned session gets at least this many exercises for its muscle groups, by intensity.
MIN_EXERCISES = {"light": 3, "moderate": 4, "high": 4}


def planned_slots(programming: Programming, groups: list[str], intensity: str, cap: int) -> list[str]:
    """Slots for a planned session's muscle groups: each group's first slot, then its next ones,
    until the session has its MIN_EXERCISES (or its groups have no more)."""
    slots: list[str] = []
    for round_ in range(3):
        for group in groups:
            options = programming.muscle_group_slots.get(group, ())
            slot = options[min(round_, len(options) - 1)] if options else None
            if slot and (slot not in slots or round_ == 2):
                slots.append(slot)
        if len(slots) >= MIN_EXERCISES[intensity]:
            break
    return slots[: max(cap, 1)]


def fill(
    knowledge: KnowledgeBase,
    ctx: Context,
    week: Week,
    session: Session,
    slots: list[str],
    filters: Filters,
) -> list[Item]:
    """One exercise per slot, none twice, a heavy dose only in a high-intensity session, the dose
    from the one source; the items added."""
    taken = session.exercise_keys()
    added = []
    for slot in slots:
        while key := pick(knowledge, week.phase, slot, session.intensity, filters, taken, week.known):
            taken.add(key)
            entry = item(knowledge, ctx, key, part=session.part())
            if not entry.dose.high_only or session.intensity == "high":
                session.main.append(entry)
                added.append(entry)
                break
        if slot not in session.slots:
            session.slots.append(slot)
    return added


def _cap(programming: Programming, intensity: str) -> int:
    return max((t.exercises for t in programming.sessions.values() if t.intensity == intensity), default=4)


def build_week(
    knowledge: KnowledgeBase,
    snapshot: dict[str, Any],
    status: str,
    ctx: Context,
    filters: Filters,
    who: Athlete,
    known: tuple[str, ...] = (),
) -> Week:
    """The week as planned, before the advice: from plan.gym_sessions, else the template."""
    programming = knowledge.programming
    assert programming is not None
    plan = snapshot.get("plan") or {}
    phase = str(plan.get("phase") or DEFAULT_PHASE)
    planned = plan.get("gym_sessions")
    week = Week(
        str(snapshot["athlete_id"]),
        str(snapshot["date"]),
        status,
        phase,
        "planned" if planned else "template",
        calendar(snapshot),
        known=known,
    )
    if not plan.get("phase"):
        week.notes.append(f"plan.phase is missing: the {knowledge.phases[phase]['title']} phase is assumed")
    if week.calendar.key_run_days is None:
        week.notes.append("plan.key_run_days is missing: the hard running days are unknown")
    top = INTENSITIES.index(who.max_intensity(programming))
    for given in planned or []:
        intensity = given.get("intensity") or "moderate"
        groups = list(given.get("muscle_groups") or ["posterior_chain", "quadriceps", "core"])
        session = Session(given["day"], intensity, groups, planned_day=given["day"], circuit=bool(given.get("circuit")))
        session.planned_contacts = int(given.get("plyometric_contacts") or 0)
        if not given.get("intensity"):
            session.notes.append("intensity not given: planned as moderate")
        _limit(session, top)
        slots = planned_slots(programming, groups, session.intensity, _cap(programming, session.intensity))
        if session.planned_contacts:
            slots.insert(0, "power")
        fill(knowledge, ctx, week, session, slots, filters)
        week.sessions.append(session)
    if not planned:
        names = who.template(programming, phase, template(knowledge, phase)["sessions"])
        for name in names:
            shape = programming.sessions[name]
            session = Session("", shape.intensity, [], template=name)
            _limit(session, top)
            fill(knowledge, ctx, week, session, list(shape.slots), filters)
            session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})
            week.sessions.append(session)
        title = knowledge.phases.get(phase, {}).get("title", phase)
        week.notes.append(f"no planned gym week in the snapshot: the {title} template, {len(names)} sessions")
    usual = replace(ctx, deload_pct=None, taper=False, light_only=False)
    week.sets_before = sum(
        dose.sets for s in week.sessions for e in s.main if (dose := prescribe(knowledge, usual, e.key, e.part))
    )
    return week


def _limit(session: Session, top: int) -> None:
    if INTENSITIES.index(session.intensity) > top:
        session.notes.append(f"{session.intensity} made {INTENSITIES[top]}: moderate loads for a young athlete")
        session.intensity = INTENSITIES[top]
