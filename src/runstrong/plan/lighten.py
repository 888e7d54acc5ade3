"""A session that may not hold heavy leg work (no day this week is clear of the hard runs, the last
days before a race, a heavy-session limit, the light full-body session a cut keeps): its heavy
leg work out, upper body (a push and a pull) and trunk in, with light leg work; said in a note."""

from __future__ import annotations

from runstrong.advice.dose import Context
from runstrong.plan.choose import Filters
from runstrong.plan.model import Item, Session, Week
from runstrong.plan.week import fill
from runstrong.rules.knowledge import KnowledgeBase

TEMPLATE = "lightened"


def lighten(
    knowledge: KnowledgeBase, ctx: Context, week: Week, session: Session, filters: Filters, why: str
) -> list[Item]:
    """Make the session upper body and trunk with light leg work; the heavy items taken out."""
    programming = knowledge.programming
    assert programming is not None
    shape = programming.sessions[TEMPLATE]
    out = [i for i in session.main if i.heavy]
    session.main = [i for i in session.main if not i.heavy]
    session.intensity, session.template, session.planned_contacts = "light", TEMPLATE, 0
    session.slots = []
    have = [i.slot for i in session.main]
    slots = [s for n, s in enumerate(shape.slots) if shape.slots[: n + 1].count(s) > have.count(s)]
    fill(knowledge, ctx, week, session, slots, filters, usual=False)
    session.slots = list(dict.fromkeys(shape.slots))
    session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})
    session.notes = [n for n in session.notes if not n.startswith("left out to keep the session short")]
    for entry in [i for i in out if (i.dose.per_week or 1) == 1]:
        for adjustment in entry.because:
            week.leave_out(adjustment, f"{entry.name}: out of one session this week ({why})")
    names = ", ".join(i.name for i in out)
    session.notes.append(f"{why}: upper body and trunk with light leg work" + (f" ({names} out)" if names else ""))
    return out
