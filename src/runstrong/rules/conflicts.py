"""Adjustments that can be given together but contradict each other, with no declared resolution."""

from __future__ import annotations

from itertools import combinations

from runstrong.rules.knowledge import Adjustment, KnowledgeBase
from runstrong.rules.programming_schema import PLAN_EFFECTS


def resolved(a: Adjustment, b: Adjustment) -> bool:
    """One overrides or subsumes the other, or a referral holds the other back."""
    if b.id in a.overrides + a.subsumes or a.id in b.overrides + b.subsumes:
        return True
    return (a.id == "refer-to-clinician" and b.with_referral == "suppress") or (
        b.id == "refer-to-clinician" and a.with_referral == "suppress"
    )


def unresolved_conflicts(knowledge: KnowledgeBase, given: set[str]) -> list[tuple[str, str, str]]:
    """(a, b, effect) for each pair of adjustments that rules give, whose effects on the week differ
    and for which neither overrides nor subsumes the other. The plan's effects (PLAN_EFFECTS: which
    exercises, volume, scheduling) add up and are left out."""
    catalogue = knowledge.adjustments
    found = []
    for a, b in combinations(sorted(given & set(catalogue)), 2):
        left, right = catalogue[a], catalogue[b]
        for effect in sorted(set(left.effects) & set(right.effects) - set(PLAN_EFFECTS)):
            if left.effects[effect] != right.effects[effect] and not resolved(left, right):
                found.append((a, b, effect))
    return found
