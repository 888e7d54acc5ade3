"""The usual week before the advice: the athlete's planned sessions with exercises for their muscle
groups, or the phase's session templates (the athlete's own for a youth or novice lifter), each
slot filled from the athlete's own lifts and the phase's pool; a power phase's sessions get power
work."""

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
#: Slots that fill a planned session its muscle groups leave short, in order.
FILLERS = ("trunk", "hip", "calf_foot")


def planned_slots(programming: Programming, groups: list[str], intensity: str, cap: int) -> list[str]:
    """Slots for a planned session's muscle groups: each group's first slot, then its next ones
    (never one slot twice), then trunk, hip or calf work until the session has its MIN_EXERCISES."""
    slots: list[str] = []
    for round_ in range(2):
        for group in groups:
            options = programming.muscle_group_slots.get(group, ())
            if len(options) > round_ and options[round_] not in slots:
                slots.append(options[round_])
    for filler in FILLERS:
        if len(slots) >= MIN_EXERCISES[intensity]:
            break
        if filler not in slots:
            slots.append(filler)
    return slots[: max(cap, 1)]


def fill(
    knowledge: KnowledgeBase,
    ctx: Context,
    week: Week,
    session: Session,
    slots: list[str],
    filters: Filters,
    prefer: tuple[str, ...] = (),
    usual: bool = True,
) -> list[Item]:
    """One exercise per slot, none twice, a heavy dose only in a high-intensity session, the dose
    from the one source (a load change taken from last week's load for the athlete's usual lifts
    and the ones done before); the items added."""
    taken = session.exercise_keys()
    added = []
    for slot in slots:
        while key := pick(knowledge, week.phase, slot, session.intensity, filters, taken, (*prefer, *week.known)):
            taken.add(key)
            previous = usual or key in week.known
            entry = item(knowledge, ctx, key, part=session.part(), previous=previous)
            if entry.dose.setting == "home":
                continue  # a home protocol never fills a session's slot
            if not entry.dose.high_only or session.intensity == "high":
                session.main.append(entry)
                added.append(entry)
                break
        if slot not in session.slots:
            session.slots.append(slot)
    return added


def _cap(programming: Programming, intensity: str) -> int:
    return max((t.exercises for t in programming.sessions.values() if t.intensity == intensity), default=4)


def _planned(
    knowledge: KnowledgeBase, ctx: Context, week: Week, given: dict[str, Any], filters: Filters, who: Athlete
) -> Session:
    programming = knowledge.programming
    assert programming is not None
    intensity = given.get("intensity") or "moderate"
    groups = list(given.get("muscle_groups") or ["posterior_chain", "quadriceps", "core"])
    session = Session(given["day"], intensity, groups, planned_day=given["day"], circuit=bool(given.get("circuit")))
    session.planned_contacts = int(given.get("plyometric_contacts") or 0)
    if not given.get("intensity"):
        session.notes.append("intensity not given: planned as moderate")
    _limit(session, INTENSITIES.index(who.max_intensity(programming)))
    slots = planned_slots(programming, groups, session.intensity, _cap(programming, session.intensity))
    if session.planned_contacts or (week.phase == "power" and session.intensity != "light"):
        slots.insert(0, "power")
    fill(knowledge, ctx, week, session, slots, filters, who.prefer)
    return session


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
        week.notes.append(f"the training phase is not given: the {knowledge.phases[phase]['title']} phase is assumed")
    if week.calendar.key_run_days is None:
        week.notes.append("the key run days are not given: the hard running days are unknown")
    for given in planned or []:
        week.sessions.append(_planned(knowledge, ctx, week, given, filters, who))
    if not planned:
        names = who.template(programming, phase, template(knowledge, phase)["sessions"])
        top = INTENSITIES.index(who.max_intensity(programming))
        for name in names:
            shape = programming.sessions[name]
            session = Session("", shape.intensity, [], template=name)
            _limit(session, top)
            fill(knowledge, ctx, week, session, list(shape.slots), filters, who.prefer)
            session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})
            week.sessions.append(session)
        title = knowledge.phases.get(phase, {}).get("title", phase)
        week.notes.append(f"no planned gym week in the snapshot: the {title} template, {len(names)} sessions")
    week.usual = tuple(dict.fromkeys(e.key for s in week.sessions for e in s.main))
    usual = replace(ctx, deload_pct=None, taper=False, light_only=False)
    week.sets_before = sum(
        dose.sets for s in week.sessions for e in s.main if (dose := prescribe(knowledge, usual, e.key, e.part))
    )
    return week


def _limit(session: Session, top: int) -> None:
    if INTENSITIES.index(session.intensity) > top:
        session.notes.append(f"{session.intensity} made {INTENSITIES[top]}: moderate loads for a young athlete")
        session.intensity = INTENSITIES[top]
