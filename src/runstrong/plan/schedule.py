"""The scheduling rules: heavy leg work never on, or the day before or after, a key run or the long
run; gym on easy or rest days; 48 h (or the advice's or a masters athlete's 72 h) between high-load
sessions sharing a muscle group and between jumping sessions; the race (no gym in its last days,
the last heavy session 10-14 days out, one session in race week). `place` puts each session on
the best day that keeps them; `check` lists each rule and whether the final week keeps it."""

from __future__ import annotations

from dataclasses import dataclass

from runstrong.advice.resolve import Advice
from runstrong.plan.model import DAYS, INTENSITIES, Constraint, Session, Week, day_index, hours_apart, neighbours
from runstrong.plan.placement import MAX_SEARCHED, assign, why_moved

DEFAULT_HOURS = 48
PLYOMETRIC_HOURS = 48


@dataclass(frozen=True)
class Rules:
    hours: int = DEFAULT_HOURS  # between high-load sessions sharing a muscle group
    no_gym_days: int = 2  # no gym this many days before the race
    last_heavy_days: int = 10  # no high session closer to the race
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


def next_to_hard(week: Week, day: str) -> bool:
    return any(n in hard_days(week) for n in neighbours(day))


def _clash(session: Session, other: Session, day: str, rules: Rules, other_day: str | None = None) -> str:
    """Why two sessions may not be this close (high-load spacing, jumping spacing); empty when they may."""
    gap = hours_apart(day, other_day or other.day)
    shared = set(session.muscle_groups) & set(other.muscle_groups)
    if session.intensity == other.intensity == "high" and shared and gap < rules.hours:
        return f"{rules.hours} h from the other high-load session for the same muscles"
    if session.contacts() and other.contacts() and gap < PLYOMETRIC_HOURS:
        return f"{PLYOMETRIC_HOURS} h from the other jumping session"
    return ""


def blocked(week: Week, session: Session, day: str, rules: Rules) -> str:
    """Why the session may not go on this day whatever the others do; empty when it may."""
    to_race = (week.calendar.days_to_race or {}).get(day)
    if to_race is not None and to_race <= rules.no_gym_days:
        return "after the race" if to_race < 0 else f"{to_race} days before the race"
    if session.heavy_legs() and (day in hard_days(week) or next_to_hard(week, day)):
        return "heavy leg work on, or the day before or after, a hard run"
    return ""


def place(week: Week, rules: Rules) -> None:
    """Every session on the day that keeps the rules at the least cost (a planned session stays on
    its day unless a rule or a clearly better day moves it); a heavy leg session no day can hold
    is made moderate; a session no day can hold at all is left out; then the race's rules."""
    hard = hard_days(week)
    while True:
        found = assign(
            week,
            lambda s, d: blocked(week, s, d, rules),
            lambda a, da, b, db: _clash(a, b, da, rules, db),
            hard,
        )
        if found is not None or len(week.sessions) > MAX_SEARCHED:
            break
        stuck = (
            [s for s in week.sessions if s.heavy_legs()]
            or [s for s in week.sessions if all(blocked(week, s, d, rules) for d in DAYS)]
            or week.sessions[-1:]
        )
        session = min(stuck, key=lambda s: sum(not blocked(week, s, d, rules) for d in DAYS))
        if session.heavy_legs():
            session.intensity = "moderate"
            session.notes.append("made moderate: no day this week is clear of the hard runs either side")
        else:
            week.sessions.remove(session)
            why = blocked(week, session, session.day, rules) or "no day keeps the week's rules"
            week.dropped.append({"day": session.planned_day or session.day, "because": [], "why": why})
    for index, day in (found or {}).items():
        week.sessions[index].day = day
    taken = {s.day for s in week.sessions}
    for session in week.sessions:
        session.day = session.day or next((d for d in DAYS if d not in taken), DAYS[0])
        session.planned_day = session.planned_day or session.day
    _race(week, rules)


def explain_moves(week: Week, advice: Advice, rules: Rules) -> None:
    """Each session off its planned day says why; the scheduling advice says what it moved."""
    hard = hard_days(week)
    easy, spacing = advised(advice, "schedule"), advised(advice, "spacing")
    moved: dict[str | None, list[str]] = {}
    for session in week.ordered():
        if session.day == session.planned_day:
            continue
        why = why_moved(hard, session, session.planned_day, blocked(week, session, session.planned_day, rules))
        session.notes.insert(0, f"moved from {session.planned_day}: {why}")
        adjustment = easy if session.planned_day in hard else spacing
        moved.setdefault(adjustment, []).append(f"{session.planned_day} -> {session.day}")
        if adjustment:
            session.shaped_by(adjustment)
    for adjustment in dict.fromkeys(a for a in (easy, spacing) if a):
        done = moved.get(adjustment)
        week.applied_effect(adjustment, ("moved " + ", ".join(done)) if done else "the week already keeps it")


def _race(week: Week, rules: Rules) -> None:
    """No high session in the last days before the race; one session in race week."""
    days = week.calendar.days_to_race
    if days is None:
        return
    for session in week.sessions:
        to_race = days[session.day]
        if session.intensity == "high" and 0 <= to_race < rules.last_heavy_days:
            session.intensity = "moderate"
            session.notes.append(
                f"made moderate: the race is in {to_race} days (the last heavy session comes "
                f"{rules.last_heavy_days}-14 days before it)"
            )
    race_week = [s for s in week.sessions if -1 < days[s.day] <= rules.race_week_days]
    for session in sorted(race_week, key=lambda s: (-INTENSITIES.index(s.intensity), -day_index(s.day)))[
        : max(0, len(race_week) - rules.race_week_sessions)
    ]:
        week.sessions.remove(session)
        week.dropped.append(
            {"day": session.planned_day or session.day, "because": [], "why": "race week: one short session at most"}
        )


def check(week: Week, rules: Rules) -> list[Constraint]:
    """Each scheduling rule, whether the final week keeps it, and why not."""
    sessions = sorted(week.sessions, key=lambda s: day_index(s.day))
    unknown = week.calendar.key_run_days is None and week.calendar.long_run_day is None
    hard = hard_days(week)
    high_on_key = [s.day for s in sessions if s.intensity == "high" and s.day in hard]
    near = [s.day for s in sessions if s.heavy_legs() and (s.day in hard or next_to_hard(week, s.day))]
    on_key = [s.day for s in sessions if s.day in hard]
    close = [
        f"{a.day} and {b.day}: {why}"
        for n, a in enumerate(sessions)
        for b in sessions[n + 1 :]
        if (why := _clash(a, b, a.day, rules))
    ]
    found = [
        _rule("no-high-on-key-run-day", unknown, high_on_key, "no high-intensity gym session on a hard running day"),
        _rule(
            "no-heavy-legs-next-to-hard-runs",
            unknown,
            near,
            "no heavy leg session on a key run or long run day, or the day before or after one",
        ),
        Constraint(
            f"high-load-spacing-{rules.hours}h",
            not close,
            f"broken: {'; '.join(close)}"
            if close
            else f"at least {rules.hours} h between high-load sessions for the same muscles, "
            f"{PLYOMETRIC_HOURS} h between jumping sessions",
        ),
        _rule("gym-on-easy-or-rest-days", unknown, on_key, "every gym session is on an easy or rest day"),
    ]
    if week.calendar.days_to_race is not None:
        days = week.calendar.days_to_race
        late = [s.day for s in sessions if days[s.day] <= rules.no_gym_days]
        heavy = [s.day for s in sessions if s.intensity == "high" and days[s.day] < rules.last_heavy_days]
        found.append(
            Constraint(
                "race-calendar",
                not (late or heavy),
                f"broken on {', '.join(late + heavy)}"
                if late or heavy
                else f"no gym in the {rules.no_gym_days} days before the race, no heavy session in its last "
                f"{rules.last_heavy_days} days, one session at most in race week",
            )
        )
    return found


def _rule(name: str, unknown: bool, broken: list[str], holds: str) -> Constraint:
    if unknown:
        return Constraint(name, False, f"{holds}: not known, the snapshot does not say which days are hard runs", True)
    if broken:
        return Constraint(name, False, f"broken on {', '.join(broken)}: no free day keeps the week's other rules")
    return Constraint(name, True, holds)
