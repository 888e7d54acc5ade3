"""Jumping in the week: at the planned contacts, else the phase's beginner (or usual) contacts, in
sets of the model's contacts; new jumping only when the plyometric advice allows it (the rules
evaluated on the week with that jumping) and never in a week that holds new work; a power phase
without jumping gets its power from medicine-ball throws."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from runstrong.advice.dose import Context
from runstrong.advice.resolve import Advice
from runstrong.plan.carry import Carry
from runstrong.plan.choose import Filters, item, template
from runstrong.plan.effects import with_effect
from runstrong.plan.model import Item, Session, Week
from runstrong.rules.knowledge import KnowledgeBase

#: The power slot's exercise when there is no jumping: power without foot impact.
THROWS = "medicine-ball-throw"


def _contacts(knowledge: KnowledgeBase, week: Week, session: Session, jumped: bool) -> int:
    """A session's contacts: the planned ones, else the phase's weekly contacts (beginner's when the
    athlete was not jumping) over its jumping sessions."""
    if session.planned_contacts:
        return session.planned_contacts
    per_week = template(knowledge, week.phase).get("plyometric_contacts") or {}
    total = int(per_week.get("usual" if jumped else "beginner") or per_week.get("beginner") or 0)
    count = sum(1 for s in week.sessions if s.jumping() and not s.planned_contacts) or 1
    return total // count


def _dosed(knowledge: KnowledgeBase, entry: Item, contacts: int) -> None:
    programming = knowledge.programming
    assert programming is not None
    per_set = programming.contacts_per_set
    if entry.dose.contacts and not entry.rehab:
        entry.dose = replace(entry.dose, contacts=per_set, sets=max(1, math.ceil(contacts / per_set)))


def jumping(
    knowledge: KnowledgeBase,
    week: Week,
    advice: Advice,
    ctx: Context,
    filters: Filters,
    carry: Carry,
    stops: Callable[[list[dict[str, Any]]], str],
) -> None:
    """Each session's jumping at its contacts; new jumping out when the advice would stop it or
    holds new work, with a throw in its place in a power slot; the reason said."""
    jumped = carry.jumped if carry.jumped is not None else any(s.planned_contacts for s in week.sessions)
    for session in week.sessions:
        contacts = _contacts(knowledge, week, session, jumped)
        for entry in [i for i in session.main if i.jumping]:
            _dosed(knowledge, entry, contacts)
    if jumped or not any(s.jumping() for s in week.sessions):
        return
    holds = with_effect(advice, "new_work", "none")
    why = f"no new jumping this week ({holds[0].adjustment.title})" if holds else stops(_planned(week))
    if why:
        _without(knowledge, week, ctx, filters, why)


def _planned(week: Week) -> list[dict[str, Any]]:
    """The week's sessions as a snapshot's planned gym sessions, with their contacts."""
    return [
        {
            "day": s.day or "mon",
            "intensity": s.intensity,
            "muscle_groups": s.muscle_groups or ["core"],
            "plyometric_contacts": s.contacts(),
        }
        for s in week.sessions
    ]


def _without(knowledge: KnowledgeBase, week: Week, ctx: Context, filters: Filters, why: str) -> None:
    for session in week.sessions:
        for entry in [i for i in session.main if i.jumping]:
            session.main.remove(entry)
            for adjustment in entry.because:
                week.leave_out(adjustment, f"{entry.name}: {why}")
            throw = THROWS in knowledge.exercises and filters.allowed(knowledge, THROWS)
            if entry.slot == "power" and not entry.rehab and throw and THROWS not in session.exercise_keys():
                session.main.insert(0, item(knowledge, ctx, THROWS, part=session.part()))
            session.notes.append(f"{entry.name} left out: {why}")


def power_work(knowledge: KnowledgeBase, week: Week, ctx: Context, filters: Filters) -> None:
    """A power phase's week has power work: medicine-ball throws when it has no jumping; or it says
    why it has none."""
    if week.phase != "power" or not week.sessions or any(i.slot == "power" for s in week.sessions for i in s.main):
        return
    if THROWS in knowledge.exercises and filters.allowed(knowledge, THROWS):
        target = max(week.sessions, key=lambda s: (not s.extra, s.template != "upper_trunk", len(s.main)))
        target.main.insert(0, item(knowledge, ctx, THROWS, part=target.part()))
        target.notes.append("the power phase's power work this week: medicine-ball throws, without foot impact")
    elif filters.known_only is not None:
        week.notes.append("a power phase, but no power work this week: nothing new in a deload or a held week")
    else:
        week.notes.append("a power phase, but no power work is allowed this week (see the advice)")
