"""The scheduling rules: never a high-intensity gym session on a key run day; 48 h (or the
advice's 72 h) between high-load sessions sharing a muscle group; gym on easy or rest days
where possible. `place` moves sessions to keep them; `check` lists each rule and whether it holds."""

from __future__ import annotations

from runstrong.advice.resolve import Advice
from runstrong.plan.model import DAYS, Constraint, Session, Week, hours_apart

MOVE = "move-gym-to-easy-days"
SPACE = "space-high-load-sessions"
DEFAULT_HOURS = 48


def min_hours(advice: Advice) -> int:
    for rec in advice.recommendations:
        if rec.adjustment.id == SPACE:
            value = rec.params.get("min_hours", rec.adjustment.defaults.get("min_hours", DEFAULT_HOURS))
            return max(DEFAULT_HOURS, int(value))
    return DEFAULT_HOURS


def _clashes(week: Week, session: Session, day: str, hours: int) -> list[Session]:
    """High sessions sharing a muscle group with `session` closer than `hours` if it were on `day`."""
    if session.intensity != "high":
        return []
    return [
        other
        for other in week.sessions
        if other is not session
        and other.intensity == "high"
        and set(other.muscle_groups) & set(session.muscle_groups)
        and hours_apart(day, other.day) < hours
    ]


def _key(week: Week, day: str) -> bool:
    return bool(week.key_run_days) and day in (week.key_run_days or [])


def _free_day(week: Week, session: Session, hours: int) -> str | None:
    """The nearest day off the key runs with no other gym session and no spacing clash."""
    taken = {s.day for s in week.sessions if s is not session}
    options = [d for d in DAYS if not _key(week, d) and d not in taken and not _clashes(week, session, d, hours)]
    return min(options, key=lambda d: (hours_apart(d, session.day), DAYS.index(d)), default=None)


def place(week: Week, advice: Advice) -> None:
    """Move high sessions off key run days, then apart; make the second one moderate when the
    spacing advice is given and no day fits."""
    given = {rec.adjustment.id for rec in advice.recommendations}
    hours = min_hours(advice)
    moved: list[str] = []
    for session in sorted(week.sessions, key=lambda s: s.intensity != "high"):  # the hard sessions first
        if _key(week, session.day):
            day = _free_day(week, session, hours)
            if day:
                moved.append(f"{session.day} -> {day}")
                session.notes.append(f"moved from {session.day}: a key run day")
                session.day = day
                if MOVE in given:
                    session.shaped_by(MOVE)
    if MOVE in given:
        week.applied_effect(
            MOVE, f"moved the hard session(s) {', '.join(moved)}" if moved else "no hard session could move"
        )
    spaced: list[str] = []
    for session in sorted(week.sessions, key=lambda s: DAYS.index(s.day)):
        if not _clashes(week, session, session.day, hours):
            continue
        day = _free_day(week, session, hours)
        if day:
            spaced.append(f"{session.day} -> {day}")
            session.notes.append(f"moved from {session.day}: {hours} h after a high-load session for the same muscles")
            session.day = day
            if SPACE in given:
                session.shaped_by(SPACE)
        elif SPACE in given:
            session.intensity = "moderate"
            session.notes.append(f"made moderate: no day leaves {hours} h to the other high-load session")
            session.shaped_by(SPACE)
            spaced.append(f"{session.day} made moderate")
    if SPACE in given:
        done = "; ".join(spaced) if spaced else "the week already keeps it"
        week.applied_effect(SPACE, f"at least {hours} h between high-load sessions for the same muscles: {done}")


def check(week: Week, advice: Advice) -> list[Constraint]:
    """Each scheduling rule, whether the final week keeps it, and why not."""
    hours = min_hours(advice)
    sessions = sorted(week.sessions, key=lambda s: DAYS.index(s.day))
    unknown = week.key_run_days is None
    high_on_key = [s.day for s in sessions if s.intensity == "high" and _key(week, s.day)]
    if unknown:
        first = Constraint("no-high-on-key-run-day", False, "cannot be checked: plan.key_run_days is missing", True)
    elif high_on_key:
        first = Constraint(
            "no-high-on-key-run-day",
            False,
            f"broken on {', '.join(high_on_key)}: no free easy or rest day keeps the spacing",
        )
    else:
        first = Constraint("no-high-on-key-run-day", True, "no high-intensity gym session on a key run day")
    pairs = []
    for n, a in enumerate(sessions):
        for b in sessions[n + 1 :]:
            shared = set(a.muscle_groups) & set(b.muscle_groups)
            if a.intensity == b.intensity == "high" and shared and hours_apart(a.day, b.day) < hours:
                pairs.append(f"{a.day} and {b.day} ({hours_apart(a.day, b.day)} h, {', '.join(sorted(shared))})")
    spacing = Constraint(
        f"high-load-spacing-{hours}h",
        not pairs,
        f"broken: {'; '.join(pairs)}: no free day keeps both apart"
        if pairs
        else f"at least {hours} h between high-load sessions sharing a muscle group",
    )
    on_key = [s.day for s in sessions if _key(week, s.day)]
    if unknown:
        easy = Constraint("gym-on-easy-or-rest-days", False, "cannot be checked: plan.key_run_days is missing", True)
    elif on_key:
        why = (
            "light or upper-body/trunk work"
            if all(s.intensity != "high" for s in sessions if s.day in on_key)
            else "high-intensity"
        )
        easy = Constraint(
            "gym-on-easy-or-rest-days", False, f"not on {', '.join(on_key)} (key run days): {why}; no free day fits"
        )
    else:
        easy = Constraint("gym-on-easy-or-rest-days", True, "every gym session is on an easy or rest day")
    return [first, spacing, easy]
