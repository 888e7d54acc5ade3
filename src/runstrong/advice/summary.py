"""The summary a person reads first: the status in words, the main reasons, at most three actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runstrong.advice.because import because_text, join_words
from runstrong.advice.resolve import INSUFFICIENT, REFERRAL, Advice, Recommendation
from runstrong.advice.wording import fill, instruction, loading_words
from runstrong.engine.records import Firing
from runstrong.rules.model import RuleSet

MAX_ACTIONS = 3
MAX_REASONS = 4
#: Where a kept recommendation is listed, in reading order.
GROUP_ORDER = ("now", "this_week", "every_session", "information")
#: The groups whose advice is an action for this week (the summary's first three come from these).
ACTION_GROUPS = ("now", "this_week")


def because(ruleset: RuleSet, rec: Recommendation, text: Callable[[Firing], str] | None = None) -> list[str]:
    """What was seen, in words, for each firing behind a recommendation: rule by rule in the
    order they were given, each rule's texts sorted (the engine's order of symmetric matches,
    Tuesday-Wednesday or Wednesday-Tuesday, is not part of the advice). `text` gives a firing's
    words (default: `because_text`)."""
    words_of = text or (lambda firing: because_text(ruleset, firing))
    texts: list[str] = []
    for rule_id in rec.rules:
        found = sorted({words_of(f) for f in rec.firings if f.rule.id == rule_id})
        texts += [text for text in found if text not in texts]
    return texts


class Wording:
    """Each recommendation's `because` texts and instruction for one result, each worked out
    once (the recommendations and the summary both show them)."""

    def __init__(self, ruleset: RuleSet, advice: Advice) -> None:
        self.ruleset, self.advice = ruleset, advice
        self._firings: dict[int, tuple[Firing, str]] = {}
        self._because: dict[int, tuple[Recommendation, list[str]]] = {}
        self._do: dict[int, tuple[Recommendation, str]] = {}

    def _firing_text(self, firing: Firing) -> str:
        known = self._firings.get(id(firing))
        if known is None or known[0] is not firing:
            known = self._firings[id(firing)] = (firing, because_text(self.ruleset, firing))
        return known[1]

    def because(self, rec: Recommendation) -> list[str]:
        known = self._because.get(id(rec))
        if known is None or known[0] is not rec:
            known = self._because[id(rec)] = (rec, because(self.ruleset, rec, self._firing_text))
        return list(known[1])

    def do(self, rec: Recommendation) -> str:
        known = self._do.get(id(rec))
        if known is None or known[0] is not rec:
            known = self._do[id(rec)] = (rec, instruction(self.ruleset.knowledge, self.advice, rec))
        return known[1]


def headline(advice: Advice, ruleset: RuleSet) -> str:
    """The status word and what it means for this week."""
    knowledge = ruleset.knowledge
    referral = advice.referral
    if advice.status == "red" and referral and referral.flags and knowledge.referral.urgency:
        lead = [f for f in referral.flags if knowledge.red_flags[f].urgency == referral.urgency]
        first = knowledge.red_flags[lead[0]].assessors[0]
        return fill(
            knowledge.referral.urgency[referral.urgency]["headline"],
            {
                "assessor": knowledge.referral.assessors.get(first, first),
                "loading": loading_words(knowledge, list(referral.sites)),
            },
        )
    if advice.status == "red":
        return f"RED: see a clinician before {loading_words(knowledge, advice.referred_sites)}"
    if advice.status == "amber":
        return "AMBER: ease off this week"
    if advice.status == INSUFFICIENT:
        return "NOT ENOUGH INFORMATION to progress: hold the current load"
    increases = [rec.adjustment for rec in advice.recommendations if rec.adjustment.direction == "increase"]
    if increases and all(a.id == "progress-load" for a in increases):
        return "GREEN: train as planned, and progress"
    if increases:
        return f"GREEN: train as planned, and progress: {_lower(join_words([a.title for a in increases]))}"
    changes = [rec for rec in advice.recommendations if rec.adjustment.group in ACTION_GROUPS]
    return "GREEN: train, with the changes below" if changes else "GREEN: train as planned"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _reasons(
    ruleset: RuleSet, advice: Advice, actions: list[Recommendation], unknown: list[dict[str, Any]], wording: Wording
) -> list[str]:
    knowledge = ruleset.knowledge
    reasons: dict[str, None] = {}
    if advice.status == "red":
        for flag in advice.red_flags:
            entry = knowledge.red_flags[flag]
            reasons.setdefault(f"{entry.label[:1].upper()}{entry.label[1:]}: {entry.means}", None)
    for rec in actions:
        if rec.adjustment.id == REFERRAL and advice.red_flags:
            continue  # the red flags above already say, with what they mean, what its rules saw
        for text in wording.because(rec):
            reasons.setdefault(text, None)
    if advice.status == INSUFFICIENT and unknown:
        missing = ", ".join(entry["label"] for entry in unknown[:3])
        reasons.setdefault(f"Not known: {missing}", None)
    return list(reasons)[:MAX_REASONS]


def summary(
    ruleset: RuleSet, advice: Advice, unknown: list[dict[str, Any]], wording: Wording | None = None
) -> dict[str, Any]:
    """`headline`, `reasons` (strings) and 1-3 `actions`, each naming its adjustment."""
    wording = wording or Wording(ruleset, advice)
    ordered = sorted(
        advice.recommendations, key=lambda r: (GROUP_ORDER.index(r.adjustment.group), r.adjustment.priority)
    )
    first = [rec for rec in ordered if rec.adjustment.group in ACTION_GROUPS] or ordered
    actions = first[:MAX_ACTIONS]
    return {
        "headline": headline(advice, ruleset),
        "reasons": _reasons(ruleset, advice, actions, unknown, wording),
        "actions": [{"adjustment": rec.adjustment.id, "text": wording.do(rec)} for rec in actions]
        or [{"adjustment": None, "text": "Keep the current plan."}],
    }
