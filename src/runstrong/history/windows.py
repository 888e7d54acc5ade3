"""Running load over day windows ending on the snapshot's date: week, previous week, 30 days, single-run spikes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Run:
    """A running activity as the windows see it."""

    day: date
    start: datetime
    km: float
    cadence_spm: float | None = None


@dataclass(frozen=True)
class Window:
    """The days `first`..`last`, both included."""

    first: date
    last: date

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last

    def label(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


def days_ending(day: date, length: int, offset: int = 0) -> Window:
    """`length` days ending `offset` days before `day` (offset 0: the window ends on `day`, `day` included)."""
    last = day - timedelta(days=offset)
    return Window(last - timedelta(days=length - 1), last)


def this_week(day: date) -> Window:
    return days_ending(day, 7)


def previous_week(day: date) -> Window:
    return days_ending(day, 7, offset=7)


def last_30_days(day: date) -> Window:
    return days_ending(day, 30)


def baseline_window(day: date) -> Window:
    """The 28 days before the current week: where personal baselines are taken from."""
    return days_ending(day, 28, offset=7)


def total_km(runs: list[Run], window: Window) -> float:
    return round(sum(run.km for run in runs if window.holds(run.day)), 3)


def in_window(runs: list[Run], window: Window) -> list[Run]:
    return [run for run in runs if window.holds(run.day)]


def longest_km(runs: list[Run], window: Window) -> float:
    return round(max((run.km for run in runs if window.holds(run.day)), default=0.0), 3)


def spike_ratios(runs: list[Run], window: Window) -> list[tuple[Run, float]]:
    """Each run of `window` against the longest run of the 30 days before its start (Frandsen 2025)."""
    ratios = []
    for run in in_window(runs, window):
        earlier = [other.km for other in runs if run.start - timedelta(days=30) <= other.start < run.start]
        longest = max(earlier, default=0.0)
        if longest > 0:
            ratios.append((run, run.km / longest))
    return ratios
