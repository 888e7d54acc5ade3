"""Three-valued truth (true, false, open) with the pending answers that could settle it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runstrong.rules.model import Rule
from runstrong.snapshot.partial import Slot

Tri = bool | None


NONE: frozenset[Slot] = frozenset()


@dataclass(frozen=True)
class Outcome:
    """A three-valued truth value and the pending slots that could change it."""

    value: Tri
    needs: frozenset[Slot] = NONE


TRUE = Outcome(True)


FALSE = Outcome(False)


def all_of(outcomes: Iterable[Outcome]) -> Outcome:
    """Three-valued AND: false wins; open parts tell what they need."""
    needs: set[Slot] = set()
    value: Tri = True
    for outcome in outcomes:
        if outcome.value is False:
            return FALSE
        if outcome.value is None:
            value = None
            needs |= outcome.needs
    return Outcome(value, frozenset(needs) if value is None else NONE)


def any_of(outcomes: Iterable[Outcome], keep_open: bool = False) -> Outcome:
    """Three-valued OR; with keep_open a true result still lists what its open parts need."""
    needs: set[Slot] = set()
    value: Tri = False
    for outcome in outcomes:
        if outcome.value is True:
            value = True
            needs |= outcome.needs  # open parts of a true branch (kept only with keep_open)
        elif outcome.value is None:
            value = None if value is False else value
            needs |= outcome.needs
    if value is True and not keep_open:
        return TRUE
    return Outcome(value, frozenset(needs) if value is not False else NONE)


@dataclass(frozen=True)
class RuleState:
    """One rule over a partial snapshot."""

    rule: Rule
    value: Tri
    needs: frozenset[Slot]

    @property
    def decided(self) -> bool:
        return self.value is False or (self.value is True and not self.needs)
