"""The plan's parts: days, sessions (warm-up, main part, cool-down), exercises with their dose,
the daily home programme, and the scheduling constraints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.dose import Dose

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTENSITIES = ("light", "moderate", "high")
#: Muscle groups whose heavy work is leg work (not for the day before or after a hard run).
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
        """A high-intensity session with leg work: not for the day before or after a hard run."""
        return self.intensity == "high" and bool(set(self.muscle_groups) & set(LEG_GROUPS))

    def legs(self) -> bool:
        return bool(set(self.muscle_groups) & set(LEG_GROUPS))

    def as_dict(self) -> dict[str, Any]:
        return {
            "intensity": self.intensity,
            "template": self.template,
            "muscle_groups": list(self.muscle_groups),
            "because": list(self.because),
            "plyometric_contacts": self.contacts(),
            "planned_day": self.planned_day,
            "notes": list(dict.fromkeys(self.notes)),
            "circuit": self.circuit,
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
    applied: list[dict[str, str]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sets_before: int = 0  # the week's main-part sets as planned, before the advice
    running_stopped: bool = False  # a referral or the advice stops running
    runs_easy: bool = False  # a referral keeps running easy: no hard runs this week
    known: tuple[str, ...] = ()  # exercises the athlete did in the weeks before (a projection's)
    running_note: str = ""  # how the runs change (easy only, shorter)

    @property
    def key_run_days(self) -> list[str] | None:
        return self.calendar.key_run_days

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

    def applied_effect(self, adjustment: str, effect: str) -> None:
        self.applied.append({"adjustment": adjustment, "effect": effect})

    def ordered(self) -> list[Session]:
        return sorted(self.sessions, key=lambda s: (day_index(s.day), INTENSITIES.index(s.intensity)))

    def on(self, day: str) -> list[Session]:
        return [s for s in self.sessions if s.day == day]
