"""A session as a coach hands it out: the warm-up (activation, then ramp-up sets before each main
lift), the main part in slot order and within its caps (exercises and minutes), the cool-down, no
exercise twice, nothing the advice rules out in any part, an estimated length, and the order on a
day with a run."""

from __future__ import annotations

import re

from runstrong.advice.dose import Context, Dose
from runstrong.advice.resolve import Advice
from runstrong.plan.choose import Filters, item
from runstrong.plan.effects import with_effect
from runstrong.plan.model import Item, Session, Week
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.programming import Programming


def part_exercises(knowledge: KnowledgeBase, advice: Advice, part: str) -> list[str]:
    """The warm-up or cool-down exercises: the advice's (already filtered) when it is kept, none when
    the advice holds it back (a referral), else the catalogue's; with each exercise of advice that
    puts its work in that part."""
    programming = knowledge.programming
    assert programming is not None
    source = str(programming.parts[part]["advice"])
    kept = {rec.adjustment.id: rec for rec in advice.recommendations}
    held = {rec.adjustment.id for rec in advice.suppressed}
    keys = list(kept[source].exercises) if source in kept else []
    if source not in kept and source not in held:
        keys = list(knowledge.adjustments[source].exercises)
    for rec in with_effect(advice, "exercises", part):
        keys += [k for k in rec.exercises if k not in keys]
    return keys


def _upper(text: str | None) -> int:
    numbers = [int(n) for n in re.findall(r"\d+", text or "")]
    return max(numbers[:2], default=10)


def seconds(programming: Programming, dose: Dose) -> int:
    """A rough time for the item: its sets of work and the rest between them."""
    sides = 2 if dose.per else 1
    per_rep = int(programming.parts["seconds_per_rep"])
    if re.fullmatch(r"[0-9X]+(-[0-9X]+){2}", dose.tempo):
        per_rep = sum(int(n) if n.isdigit() else 1 for n in dose.tempo.split("-")) or per_rep
    if dose.contacts is not None:
        work = dose.contacts + 10
    elif dose.hold_s is not None:
        work = _upper(dose.hold_s) * sides
    else:
        work = _upper(dose.reps) * per_rep * sides
    sets = dose.sets
    rest = sum(dose.rest_s) // 2
    return sets * work + (sets - 1) * rest


def minutes(programming: Programming, session: Session) -> int:
    """The session's estimated length: warm-up, each item's sets and rest, ramp-up sets, cool-down."""
    parts = programming.parts
    total = int(parts["warm_up"]["minutes"]) * 60 * bool(session.warm_up)
    total += int(parts["cool_down"]["minutes"]) * 60 * bool(session.cool_down)
    for entry in session.main:
        total += seconds(programming, entry.dose) + int(parts["seconds_between_exercises"])
        total += int(parts["ramp_up"].get("minutes", 0)) * 60 * bool(entry.dose.ramp_up)
    return round(total / 60)


def _rank(session: Session, entry: Item) -> tuple[int, int]:
    """How much an item matters (lower: more): rehab and swaps first, then work the advice adds,
    then the session's own slots in their order of importance."""
    slot = session.slots.index(entry.slot) if entry.slot in session.slots else len(session.slots)
    first = entry.rehab or bool(entry.swap_for) or entry.slot == "power"
    return (0 if first else 1 if entry.new else 2), slot


def _trim(programming: Programming, session: Session) -> list[Item]:
    """Items taken out, the least important first, until the session fits its caps."""
    shape = programming.sessions.get(session.template)
    most = shape.exercises if shape else max(t.exercises for t in programming.sessions.values())
    limit = shape.minutes if shape else max(t.minutes for t in programming.sessions.values())
    out: list[Item] = []
    while session.main and (len(session.main) > most or minutes(programming, session) > limit):
        if len(session.main) == 1:
            break
        least = max(session.main, key=lambda e: (_rank(session, e), session.main.index(e)))
        session.main.remove(least)
        out.append(least)
    return out


def finish(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """Warm-up and cool-down in every session (none the advice holds back), the main part in slot
    order without repeats or excluded work, within its caps, its length and the order on a run day."""
    programming = knowledge.programming
    assert programming is not None
    order = list(programming.slots)
    warm = part_exercises(knowledge, advice, "warm_up")
    cool = part_exercises(knowledge, advice, "cool_down")
    for session in week.sessions:
        unique: dict[str, Item] = {}
        for entry in session.main:
            if filters.allowed(knowledge, entry.key, advised=entry.rehab or bool(entry.swap_for)):
                unique.setdefault(entry.key, entry)
        session.main = sorted(unique.values(), key=lambda e: order.index(e.slot) if e.slot in order else len(order))
        _parts(knowledge, ctx, week, session, filters, warm, cool)
        left = _trim(programming, session)
        if left:
            session.notes.append(f"left out to keep the session short: {', '.join(i.name for i in left)}")
            for entry in left:
                for adjustment in entry.because:
                    week.leave_out(adjustment, f"{entry.name}: left out of the {session.day} session to keep it short")
        _parts(knowledge, ctx, week, session, filters, warm, cool)
        if not session.warm_up:
            session.notes.append("warm up with a few easy minutes and a lighter first set of each exercise")
        session.minutes = minutes(programming, session)
        session.timing = _timing(programming, week.running(session.day))


def _parts(
    knowledge: KnowledgeBase,
    ctx: Context,
    week: Week,
    session: Session,
    filters: Filters,
    warm: list[str],
    cool: list[str],
) -> None:
    """The session's warm-up and cool-down: the advice's exercises not in its main part."""
    taken = {i.key for i in session.main} | {i.key for i in week.daily}
    session.warm_up = [
        item(knowledge, ctx, k, [], "warm_up") for k in warm if k not in taken and filters.in_parts(knowledge, k)
    ]
    taken |= {i.key for i in session.warm_up}
    session.cool_down = [
        item(knowledge, ctx, k, [], "cool_down") for k in cool if k not in taken and filters.in_parts(knowledge, k)
    ]


def _timing(programming: Programming, running: str) -> str:
    same_day = programming.parts["same_day"]
    if running in ("key", "long"):
        return str(same_day["hard"])
    if running == "easy":
        return str(same_day["text"])
    return ""
