"""The days of the week's sessions, chosen together: every rule kept (one session a day, no heavy
leg work on or beside a hard run, the spacing, the race), then the least cost: leg work on a hard
run day or the eve of one, two leg sessions within 48 h, a planned session moved."""

from __future__ import annotations

from collections.abc import Callable

from runstrong.plan.model import DAYS, Session, Week, day_index, hours_apart, neighbours

#: More sessions than this are left on their days (the search would be too long).
MAX_SEARCHED = 7
LEG_SESSIONS_HOURS = 48


def day_cost(hard: list[str], session: Session, day: str) -> int:
    """What this day costs the session: a hard run day, the eve of one (leg work, a circuit), the day after."""
    legs = session.legs() or session.circuit
    cost = 0
    if day in hard:
        cost += 4 if legs else 2
    before, after = neighbours(day)
    if legs and after in hard:
        cost += 2 + (session.intensity != "light")
    if legs and before in hard:
        cost += 1
    if session.planned_day and day != session.planned_day:
        cost += 1
    return cost


def pair_cost(a: Session, day_a: str, b: Session, day_b: str) -> int:
    """Two sessions with leg work (not light) within 48 h."""
    heavy = all(s.legs() and s.intensity != "light" for s in (a, b))
    return 3 if heavy and hours_apart(day_a, day_b) < LEG_SESSIONS_HOURS else 0


def assign(
    week: Week,
    alone: Callable[[Session, str], str],
    together: Callable[[Session, str, Session, str], str],
    hard: list[str],
) -> dict[int, str] | None:
    """The cheapest day for every session (by its index) that keeps every rule; None when none does.
    `alone` says why a session may not go on a day, `together` why two may not go where they are."""
    sessions = week.sessions
    if len(sessions) > MAX_SEARCHED:
        return None
    options = [[d for d in DAYS if not alone(s, d)] for s in sessions]
    order = sorted(range(len(sessions)), key=lambda i: len(options[i]))
    best: tuple[tuple[int, int, int], dict[int, str]] | None = None
    chosen: dict[int, str] = {}

    def search(depth: int, cost: int) -> None:
        nonlocal best
        if best is not None and cost > best[0][0]:
            return
        if depth == len(order):
            gap = min((hours_apart(a, b) for a in chosen.values() for b in chosen.values() if a != b), default=168)
            moved = sum(1 for i, d in chosen.items() if d != sessions[i].day)
            key = (cost, -gap, moved)
            if best is None or key < best[0]:
                best = (key, dict(chosen))
            return
        index = order[depth]
        session = sessions[index]
        for day in sorted(options[index], key=lambda d: (d != session.day, day_index(d))):
            if any(d == day or together(session, day, sessions[j], d) for j, d in chosen.items()):
                continue
            extra = day_cost(hard, session, day) + sum(
                pair_cost(session, day, sessions[j], d) for j, d in chosen.items()
            )
            chosen[index] = day
            search(depth + 1, cost + extra)
            del chosen[index]

    search(0, 0)
    return best[1] if best else None


def why_moved(hard: list[str], session: Session, old: str, blocked: str) -> str:
    """Why the session left its day, in words."""
    if blocked:
        return blocked
    if old in hard:
        return "a hard running day"
    if neighbours(old)[1] in hard:
        return "the day before a hard run"
    if neighbours(old)[0] in hard:
        return "the day after a hard run"
    return "too close to another leg session"
