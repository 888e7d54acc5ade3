"""The plan's parts: days, sessions (warm-up, main part, cool-down), exercises with their dose,
the daily home programme, and the scheduling constraints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.dose import Dose

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTENSITIES = ("light", "moderate", "high")
#: Muscle groups whose work is leg work.
LEG_GROUPS = ("posterior_chain", "quadriceps", "calves", "hips")


def day_index(day: str) -> int:
    return DAYS.index(day)


def hours_apart(a: str, b: str) -> int:
    """Hours between two days of a repeating week (the shorter way round)."""
    gap = abs(day_index(a) - day_index(b))
    return min(gap, 7 - gap) * 24


def neighbours(day: str) -> tuple[str, str]:
    """The day before and the day after (round the week)."""
    n = day_index(day)
    return DAYS[(n - 1) % 7], DAYS[(n + 1) % 7]


def week_days(date: str) -> list[str]:
    """The seven days of the week that starts on this date, in order."""
    first = dt.date.fromisoformat(date).weekday()
    return [DAYS[(first + n) % 7] for n in range(7)]


def plural(count: int, word: str, many: str = "") -> str:
    """`1 day`, `2 days`, `1 heavy session`."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


@dataclass
class Item:
    """An exercise in a session (or in the daily home programme), with its dose."""

    key: str
    name: str
    slot: str
    equipment: str
    dose: Dose
    part: str = "main"  # warm_up, main or cool_down
    because: list[str] = field(default_factory=list)
    new: bool = False  # added this week as new training (not a pain-free swap, not rehab)
    rehab: bool = False  # tendon or injury work the advice gives
    swap_for: str = ""  # the exercise it replaces
    legs: bool = False  # leg work (its muscle groups)
    heavy: bool = False  # heavy leg work: a heavy dose or a loaded leg lift at 3 reps in reserve or fewer, or jumping
    jumping: bool = False  # hops, jumps, bounds (high impact)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.key,
            "name": self.name,
            "slot": self.slot,
            "equipment": self.equipment,
            "part": self.part,
            "dose": self.dose.as_dict(),
            "because": list(dict.fromkeys(self.because)),
            "new": self.new,
            "rehab": self.rehab,
            "heavy_legs": self.heavy,
        }
        if self.swap_for:
            data["swap_for"] = self.swap_for
        return data

    def contacts(self) -> int:
        return self.dose.sets * self.dose.contacts if self.dose.contacts else 0


@dataclass
class Session:
    """One gym session: warm-up, main part and cool-down, and why it looks as it does."""

    day: str
    intensity: str
    muscle_groups: list[str]
    template: str = "planned"
    main: list[Item] = field(default_factory=list)
    warm_up: list[Item] = field(default_factory=list)
    cool_down: list[Item] = field(default_factory=list)
    because: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    planned_day: str = ""  # the day the athlete (or the template) had it on
    circuit: bool = False
    slots: list[str] = field(default_factory=list)  # its slots, the most important first
    minutes: int = 0
    timing: str = ""  # the order on a day with a run
    planned_contacts: int = 0  # the plyometric contacts the athlete planned
    extra: bool = False  # a short extra session for a protocol

    def shaped_by(self, adjustment: str) -> None:
        if adjustment not in self.because:
            self.because.append(adjustment)

    def part(self) -> str:
        """Where its work goes: a circuit's own dose, else the main part."""
        return "circuit" if self.circuit else "main"

    def items(self) -> list[Item]:
        return [*self.warm_up, *self.main, *self.cool_down]

    def exercise_keys(self) -> set[str]:
        return {item.key for item in self.items()}

    def contacts(self) -> int:
        return sum(item.contacts() for item in self.main)

    def heavy_legs(self) -> bool:
        """Heavy leg work in it (by the dose, whatever its intensity label): not on a hard run day
        or the day before or after one."""
        return any(item.heavy for item in self.main)

    def jumping(self) -> bool:
        return any(item.jumping for item in self.main)

    def legs(self) -> bool:
        return any(item.legs for item in self.main) or bool(set(self.muscle_groups) & set(LEG_GROUPS))

    def focus(self) -> str:
        """What it holds, in words: full body, lower body, upper body and trunk, trunk."""
        legs = any(item.legs for item in self.main)
        upper = any(item.slot == "upper" for item in self.main)
        if legs and upper:
            return "full body"
        if legs:
            return "lower body and trunk" if any(i.slot == "trunk" for i in self.main) else "lower body"
        return "upper body and trunk" if upper else "trunk"

    def as_dict(self) -> dict[str, Any]:
        return {
            "intensity": self.intensity,
            "focus": self.focus(),
            "template": self.template,
            "muscle_groups": list(self.muscle_groups),
            "because": list(self.because),
            "plyometric_contacts": self.contacts(),
            "heavy_legs": self.heavy_legs(),
            "planned_day": self.planned_day,
            "notes": list(dict.fromkeys(self.notes)),
            "circuit": self.circuit,
            "extra": self.extra,
            "minutes": self.minutes,
            "timing": self.timing,
            "warm_up": [item.as_dict() for item in self.warm_up],
            "exercises": [item.as_dict() for item in self.main],
            "cool_down": [item.as_dict() for item in self.cool_down],
        }


@dataclass
class Constraint:
    id: str
    holds: bool
    detail: str
    unknown: bool = False  # the snapshot lacks what it needs: not shown to hold

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "holds": self.holds, "detail": self.detail, "unknown": self.unknown}


@dataclass
class Calendar:
    """The week's running: hard days (key runs and the long run), run days, the race."""

    key_run_days: list[str] | None
    long_run_day: str | None = None
    run_days: list[str] | None = None
    days_to_race: dict[str, int] | None = None  # each day's days to the race, when there is one

    def hard_days(self) -> list[str]:
        days = set(self.key_run_days or []) | ({self.long_run_day} if self.long_run_day else set())
        return sorted(days, key=day_index)

    def race_day(self) -> str | None:
        return next((d for d, n in (self.days_to_race or {}).items() if n == 0), None)


@dataclass(frozen=True)
class Holding:
    """An exercise the advice put in the week, written when the week is final: the days of the
    sessions that still hold it for that advice (or the home programme); nothing when none does."""

    adjustment: str
    key: str
    label: str  # "Leg press added", "Goblet squat -> Spanish squat isometric"

    def text(self, week: Week) -> str:
        if any(i.key == self.key for i in week.daily):
            return f"{self.label} (every day at home)"
        holds = [s for s in week.ordered() if any(i.key == self.key and self.adjustment in i.because for i in s.main)]
        days = [s.day for s in holds]

        return f"{self.label} ({', '.join(days)})" if days else ""


@dataclass
class Applied:
    """What one adjustment did to the week, in clauses: words with sessions whose day is written in
    when the week is final (a session may still move when the effect is recorded), or exercises it
    put in the week."""

    adjustment: str
    clauses: list[list[str | Session] | Holding]

    def text(self, week: Week) -> str:
        found = [
            c.text(week) if isinstance(c, Holding) else "".join(p if isinstance(p, str) else p.day for p in c)
            for c in self.clauses
        ]
        return "; ".join(dict.fromkeys(t for t in found if t))


@dataclass
class Week:
    athlete_id: str
    date: str
    status: str
    phase: str
    source: str  # "planned" (plan.gym_sessions) or "template"
    calendar: Calendar
    sessions: list[Session] = field(default_factory=list)
    daily: list[Item] = field(default_factory=list)  # the home programme, every day
    dropped: list[dict[str, Any]] = field(default_factory=list)
    applied: list[Applied] = field(default_factory=list)
    left_out: dict[str, list[str]] = field(default_factory=dict)  # adjustment -> what of its advice is not in the week
    constraints: list[Constraint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sets_before: int = 0  # the week's main-part sets as planned, before the advice
    running_stopped: bool = False  # a referral or the advice stops running
    runs_easy: bool = False  # a referral or the recovery after a race: no hard runs this week
    known: tuple[str, ...] = ()  # exercises the athlete did in the weeks before (a projection's)
    usual: tuple[str, ...] = ()  # the lifts of the athlete's usual week, before the advice
    running_note: str = ""  # how the runs change (easy only, shorter)
    no_training: bool = False  # a referral: no training at all until assessed

    @property
    def key_run_days(self) -> list[str] | None:
        return self.calendar.key_run_days

    def days(self) -> list[str]:
        return week_days(self.date)

    def total_sets(self) -> int:
        return sum(item.dose.sets for s in self.sessions for item in s.main)

    def running(self, day: str) -> str:
        """race, key, long, easy, rest or unknown (no running: `rest` when running stops)."""
        calendar = self.calendar
        days = calendar.days_to_race or {}
        if day in days and days[day] == 0:
            return "race"
        if self.running_stopped or (day in days and days[day] < 0):
            return "rest"
        if calendar.key_run_days is None and calendar.long_run_day is None and calendar.run_days is None:
            return "unknown"
        if day in calendar.hard_days() and self.runs_easy:
            return "easy"
        if day == calendar.long_run_day:
            return "long"
        if day in (calendar.key_run_days or []):
            return "key"
        if calendar.run_days is not None:
            return "easy" if day in calendar.run_days else "rest"
        return "easy" if any(s.day == day for s in self.sessions) else "rest"

    def applied_effect(self, adjustment: str, *parts: str | Session) -> None:
        self.applied.append(Applied(adjustment, [list(parts)]))

    def leave_out(self, adjustment: str, words: str) -> None:
        found = self.left_out.setdefault(adjustment, [])
        if words not in found:
            found.append(words)

    def ordered(self) -> list[Session]:
        order = self.days()
        return sorted(
            self.sessions, key=lambda s: (order.index(s.day) if s.day in order else 7, INTENSITIES.index(s.intensity))
        )

    def on(self, day: str) -> list[Session]:
        return [s for s in self.sessions if s.day == day]
