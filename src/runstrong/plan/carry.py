"""What one week of a block hands the next (`runstrong plan --weeks N`): the lifts done, each
protocol's week, whether the week before had jumping or was a deload, the recovery after a race."""

from __future__ import annotations

from dataclasses import dataclass, field

from runstrong.advice.dose_context import Progress


@dataclass(frozen=True)
class Carry:
    """The weeks before this one (nothing for the snapshot's own week)."""

    progress: Progress = field(default_factory=Progress)
    known: tuple[str, ...] = ()  # the lifts done in the weeks before
    jumped: bool | None = None  # the week before had jumping (None: as the snapshot's plan says)
    recovery: bool = False  # a week of the recovery after a race: every run easy, no heavy leg work
    projected: bool = False  # a projected week of a block

    def week_of(self, key: str) -> int:
        """The week a protocol or programme is in (1 in its first week)."""
        return self.progress.weeks.get(key, 1)
