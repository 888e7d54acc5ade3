"""The plan's parts: days, sessions, exercises and the scheduling constraints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTENSITIES = ("light", "moderate", "high")


def day_index(day: str) -> int:
    return DAYS.index(day)


def hours_apart(a: str, b: str) -> int:
    """Hours between two days of a repeating week (the shorter way round)."""
    gap = abs(day_index(a) - day_index(b))
    return min(gap, 7 - gap) * 24


@dataclass
class PlannedExercise:
    key: str
    name: str
    kind: str
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    tempo: str = ""
    rir: int | None = None
    load_change_pct: float = 0
    because: list[str] = field(default_factory=list)
    new: bool = False  # not in last week's session (a swap or added work): no load change to compare

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.key, "name": self.name, "kind": self.kind, "sets": self.sets}
        if self.hold_s is not None:
            data["hold_s"] = self.hold_s
        else:
            data["reps"] = self.reps
        data.update(
            tempo=self.tempo,
            rir=self.rir,
            load_change_pct=self.load_change_pct,
            because=list(self.because),
            new=self.new,
        )
        return data


@dataclass
class Session:
    day: str
    intensity: str
    muscle_groups: list[str]
    exercises: list[PlannedExercise] = field(default_factory=list)
    because: list[str] = field(default_factory=list)
    plyometric_contacts: int = 0
    planned_day: str = ""  # the day the athlete (or the template) had it on
    notes: list[str] = field(default_factory=list)

    def shaped_by(self, adjustment: str) -> None:
        if adjustment not in self.because:
            self.because.append(adjustment)

    def as_dict(self) -> dict[str, Any]:
        return {
            "intensity": self.intensity,
            "muscle_groups": list(self.muscle_groups),
            "because": list(self.because),
            "plyometric_contacts": self.plyometric_contacts,
            "planned_day": self.planned_day,
            "notes": list(self.notes),
            "exercises": [e.as_dict() for e in self.exercises],
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
class Week:
    athlete_id: str
    date: str
    status: str
    phase: str
    source: str  # "planned" (plan.gym_sessions) or "template" (the phase's template)
    key_run_days: list[str] | None
    sessions: list[Session] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    applied: list[dict[str, str]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sets_before: int = 0  # the week's total sets as planned, before the advice
    running_stopped: bool = False  # a referral stops running: every day is a rest day

    def total_sets(self) -> int:
        return sum(e.sets for s in self.sessions for e in s.exercises)

    def running(self, day: str) -> str:
        """key on a hard-run day; easy on another day with a gym session; rest otherwise; unknown
        when the snapshot does not say which days are hard."""
        if self.running_stopped:
            return "rest"
        if self.key_run_days is None:
            return "unknown"
        if day in self.key_run_days:
            return "key"
        return "easy" if any(s.day == day for s in self.sessions) else "rest"

    def applied_effect(self, adjustment: str, effect: str) -> None:
        self.applied.append({"adjustment": adjustment, "effect": effect})

    def ordered(self) -> list[Session]:
        return sorted(self.sessions, key=lambda s: (day_index(s.day), INTENSITIES.index(s.intensity)))
