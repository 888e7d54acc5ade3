"""The scheduling rules, decided by what a session holds (its doses), not its intensity label:
heavy leg work (a loaded leg lift at 3 reps in reserve or fewer, a heavy goal, or jumping) never on
a key run or long run day or the day before or after one, and at least 72 h from them from 50;
48 h (72 h with the spacing advice or from 50) between heavy leg sessions and 48 h between
jumping sessions; gym on easy or rest days; the race (no gym in its last days, no heavy leg work
in its last 10, one session in race week). `place` puts each session on the best day that keeps
them, making a heavy session no day can hold upper body and trunk; `check` lists each rule and
whether the final week keeps it, from the sessions' contents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from runstrong.advice.resolve import Advice
from runstrong.plan.model import DAYS, INTENSITIES, Constraint, Session, Week, hours_apart, plural
from runstrong.plan.placement import MAX_SEARCHED, assign, why_moved

DEFAULT_HOURS = 48
PLYOMETRIC_HOURS = 48


@dataclass(frozen=True)
class Rules:
    hours: int = DEFAULT_HOURS  # between heavy leg sessions
    run_hours: int = DEFAULT_HOURS  # between heavy leg work and a hard run (72 h from 50)
    no_gym_days: int = 2  # no gym this many days before the race
    last_heavy_days: int = 10  # no heavy leg work closer to the race
    race_week_days: int = 7
    race_week_sessions: int = 1


def advised(advice: Advice, effect: str) -> str | None:
    """The kept adjustment with this plan effect (schedule, spacing), if any."""
    return next((r.adjustment.id for r in advice.recommendations if effect in r.adjustment.effects), None)


def min_hours(advice: Advice) -> int:
    for rec in advice.recommendations:
        if "spacing" in rec.adjustment.effects:
            value = rec.params.get("min_hours", rec.adjustment.defaults.get("min_hours", DEFAULT_HOURS))
            return max(DEFAULT_HOURS, int(value))
    return DEFAULT_HOURS


def hard_days(week: Week) -> list[str]:
    return [] if week.running_stopped or week.runs_easy else week.calendar.hard_days()


def near_hard(week: Week, day: str, rules: Rules) -> bool:
    """On a hard run day, or closer to one than heavy leg work may be."""
    return any(hours_apart(day, h) < rules.run_hours for h in hard_days(week))


def clash(session: Session, other: Session, day: str, rules: Rules, other_day: str | None = None) -> str:
    """Why two sessions may not be this close (heavy leg spacing, jumping spacing); empty when they may."""
    gap = hours_apart(day, other_day or other.day)
    if session.heavy_legs() and other.heavy_legs() and gap < rules.hours:
        return f"{rules.hours} h from the other heavy leg session"
    if session.jumping() and other.jumping() and gap < PLYOMETRIC_HOURS:
        return f"{PLYOMETRIC_HOURS} h from the other jumping session"
    return ""


def _run_words(rules: Rules) -> str:
    if rules.run_hours > DEFAULT_HOURS:
        return f"heavy leg work within {rules.run_hours} h of a hard run"
    return "heavy leg work on, or the day before or after, a hard run"


def blocked(week: Week, session: Session, day: str, rules: Rules) -> str:
    """Why the session may not go on this day whatever the others do; empty when it may."""
    to_race = (week.calendar.days_to_race or {}).get(day)
    if to_race is not None and to_race <= rules.no_gym_days:
        return "after the race" if to_race < 0 else f"{plural(to_race, 'day')} before the race"
    if session.heavy_legs() and to_race is not None and to_race < rules.last_heavy_days:
        return f"the race is in {plural(to_race, 'day')}: no heavy leg work in the last {rules.last_heavy_days}"
    if session.heavy_legs() and near_hard(week, day, rules):
        return _run_words(rules)
    return ""


def place(week: Week, rules: Rules, lighten: Callable[[Session, str], None]) -> None:
    """Every session on the day that keeps the rules at the least cost (a planned session stays on
    its day unless a rule or a clearly better day moves it); a heavy leg session no day can hold
    becomes upper body and trunk with light leg work; a session no day can hold at all is left out;
    then race week's one session."""
    hard = hard_days(week)
    while True:
        found = assign(
            week,
            lambda s, d: blocked(week, s, d, rules),
            lambda a, da, b, db: clash(a, b, da, rules, db),
            hard,
        )
        if found is not None or len(week.sessions) > MAX_SEARCHED:
            break
        heavy = [s for s in week.sessions if s.heavy_legs()]
        if heavy:
            fewest = min(_free_days(week, s, rules) for s in heavy)
            stuck = [s for s in heavy if _free_days(week, s, rules) == fewest]
            session = min(stuck, key=lambda s: (not s.extra, _rehab(s), _stays(week, s, rules), _weight(s)))
            lighten(session, _why_light(week, session, rules))
            continue
        session = min(week.sessions, key=lambda s: _free_days(week, s, rules))
        week.sessions.remove(session)
        why = blocked(week, session, session.day or DAYS[0], rules) or "no day keeps the week's rules"
        week.dropped.append({"day": session.planned_day or session.day, "because": [], "why": why})
    for index, day in (found or {}).items():
        week.sessions[index].day = day
    taken = {s.day for s in week.sessions}
    for session in week.sessions:
        session.day = session.day or next((d for d in DAYS if d not in taken), DAYS[0])
        session.planned_day = session.planned_day or session.day
    _race_week(week, rules)


def _free_days(week: Week, session: Session, rules: Rules) -> int:
    return sum(not blocked(week, session, d, rules) for d in DAYS)


def _stays(week: Week, session: Session, rules: Rules) -> bool:
    """Its planned day may hold heavy leg work (so it need not move to stay heavy)."""
    return bool(session.planned_day) and not blocked(week, session, session.planned_day, rules)


def _rehab(session: Session) -> int:
    return sum(i.rehab for i in session.main)


def _weight(session: Session) -> tuple[int, int, int]:
    """How much a session carries: jumping, its heavy items, its planned intensity."""
    return session.planned_contacts, sum(i.heavy for i in session.main), INTENSITIES.index(session.intensity)


def _why_light(week: Week, session: Session, rules: Rules) -> str:
    """Why a heavy leg session cannot be heavy this week, in words."""
    days = week.calendar.days_to_race or {}
    if any(0 <= n < rules.last_heavy_days for n in days.values()) and not _free_days(week, session, rules):
        return f"the race is close: no heavy leg work in its last {rules.last_heavy_days} days"
    gap = f"{rules.run_hours} h from the hard runs" if rules.run_hours > DEFAULT_HOURS else "clear of the hard runs"
    free = [d for d in week.days() if not blocked(week, session, d, rules)]
    if not free:
        return f"no day this week is {gap} on either side"
    return f"the days {gap} ({', '.join(free)}) hold the other heavy leg session ({rules.hours} h apart)"


def explain_moves(week: Week, advice: Advice, rules: Rules) -> None:
    """Each session off its planned day says why; the scheduling advice says what it moved."""
    hard = hard_days(week)
    easy, spacing = advised(advice, "schedule"), advised(advice, "spacing")
    moved: dict[str | None, list[str | Session]] = {}
    for session in week.ordered():
        if session.day == session.planned_day or session.extra:
            continue
        why = why_moved(hard, session, session.planned_day, blocked(week, session, session.planned_day, rules))
        session.notes.insert(0, f"moved from {session.planned_day}: {why}")
        adjustment = easy if session.planned_day in hard else spacing
        parts = moved.setdefault(adjustment, [])
        parts += [", "] * bool(parts) + [f"{session.planned_day} -> ", session]
        if adjustment:
            session.shaped_by(adjustment)
    for adjustment in dict.fromkeys(a for a in (easy, spacing) if a):
        done = moved.get(adjustment)
        if done:
            week.applied_effect(adjustment, "moved ", *done)
        else:
            week.applied_effect(adjustment, "the week already keeps it")


def _race_week(week: Week, rules: Rules) -> None:
    """One session at most in race week: the lightest, latest ones stay."""
    days = week.calendar.days_to_race
    if days is None:
        return
    race_week = [s for s in week.sessions if 0 < days[s.day] <= rules.race_week_days]
    extra = len(race_week) - rules.race_week_sessions
    for session in sorted(race_week, key=lambda s: (not s.heavy_legs(), -days[s.day]))[: max(0, extra)]:
        week.sessions.remove(session)
        week.dropped.append(
            {"day": session.planned_day or session.day, "because": [], "why": "race week: one short session at most"}
        )


def check(week: Week, rules: Rules) -> list[Constraint]:
    """Each scheduling rule, whether the final week keeps it (from what each session holds), and why not."""
    if not week.sessions:
        return []
    order = week.days()
    sessions = sorted(week.sessions, key=lambda s: order.index(s.day))
    unknown = week.calendar.key_run_days is None and week.calendar.long_run_day is None
    hard = hard_days(week)
    near = [s.day for s in sessions if s.heavy_legs() and near_hard(week, s.day, rules)]
    on_hard = [s.day for s in sessions if s.day in hard]
    close = [
        f"{a.day} and {b.day}: {why}"
        for n, a in enumerate(sessions)
        for b in sessions[n + 1 :]
        if (why := clash(a, b, a.day, rules))
    ]
    masters = f", and {rules.run_hours} h from them" if rules.run_hours > DEFAULT_HOURS else ""
    found = [
        _rule(
            "heavy-legs-away-from-hard-runs",
            unknown,
            near,
            "no heavy leg work (a loaded leg lift at 3 reps in reserve or fewer, heavy slow or maintenance "
            f"work, jumping) on a key run or long run day or the day before or after one{masters}",
        ),
        Constraint(
            f"heavy-leg-spacing-{rules.hours}h",
            not close,
            f"broken: {'; '.join(close)}"
            if close
            else f"at least {rules.hours} h between heavy leg sessions, {PLYOMETRIC_HOURS} h between jumping sessions",
        ),
        _rule("gym-on-easy-or-rest-days", unknown, on_hard, "every gym session is on an easy or rest day"),
    ]
    days = week.calendar.days_to_race
    if days is not None:
        late = [s.day for s in sessions if days[s.day] <= rules.no_gym_days]
        heavy = [s.day for s in sessions if s.heavy_legs() and days[s.day] < rules.last_heavy_days]
        crowded = [s.day for s in sessions if 0 < days[s.day] <= rules.race_week_days]
        crowded = crowded if len(crowded) > rules.race_week_sessions else []
        broken = list(dict.fromkeys(late + heavy + crowded))
        found.append(
            Constraint(
                "race-calendar",
                not broken,
                f"broken on {', '.join(broken)}"
                if broken
                else f"no gym in the {rules.no_gym_days} days before the race, no heavy leg work in its last "
                f"{rules.last_heavy_days} days, one session at most in race week",
            )
        )
    return found


def _rule(name: str, unknown: bool, broken: list[str], holds: str) -> Constraint:
    if unknown:
        return Constraint(name, False, f"{holds}: not known, the snapshot does not say which days are hard runs", True)
    if broken:
        return Constraint(name, False, f"{holds}: broken on {', '.join(broken)}")
    return Constraint(name, True, holds)
