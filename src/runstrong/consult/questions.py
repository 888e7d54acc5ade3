"""The consultation's questions: one per slot of a partial snapshot, read from the field
catalogue, and the choice of the next question from the rules that still need an answer.

Order: an item list being filled in is finished first (its required key field, then the item
fields open rules need, then "another?"); then red-flag questions: the red-flag checklist, then
whatever else an undecided referral rule needs (sharp joint pain, injury history...); then every
other needed answer, goal-directed (as MYCIN pursued its goal): first what an undecided rule
needs that could bring an increase (progress-load...) into the provisional advice, or whose
decrease now holds such an increase back; then what a rule needs that could change the
provisional status; then the rest. Within each group, by the weight of the undecided rules that
need the answer (each rule counts 1 + salience/100), ties in the snapshot format's order. The
goals come from the rules' adjustments and the directions, statuses and overrides of
knowledge/adjustments.yaml, never from a list of fields.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from runstrong.advice.resolve import STATUS_RANK
from runstrong.consult.relevance import Relevance
from runstrong.consult.threevalued import RuleState
from runstrong.engine.evaluator import fields_used
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.model import Rule
from runstrong.rules.referral_model import URGENCIES
from runstrong.snapshot.fields import BOOLEAN, ENUM, INTEGER, NUMBER, SCALAR_LIST, FieldSpec, catalogue
from runstrong.snapshot.partial import (
    RED_FLAGS,
    ListAnswer,
    Partial,
    Slot,
    item_lists,
    key_field,
    red_flag_names,
    snapshot_fields,
)

#: How the gate question of each list is asked (the red-flag checklist names the flags that can
#: apply to the athlete: `Questioner.checklist`).
LIST_QUESTIONS = {
    "symptoms.soreness": "Any muscle soreness?",
    "symptoms.tendon": "Any tendon pain or stiffness (Achilles, patellar, hamstring, gluteal; or plantar fascia)?",
    "symptoms.sharp_joint_pain": "Any sharp joint pain during lifts or runs?",
    "profile.injury_history": "Any past running injuries?",
    "plan.gym_sessions": "Are gym sessions planned this week?",
}
ITEM_NOUNS = {
    "symptoms.soreness": "sore area",
    "symptoms.tendon": "painful tendon",
    "symptoms.sharp_joint_pain": "painful joint",
    "profile.injury_history": "past injury",
    "plan.gym_sessions": "gym session",
}
YES = ("yes", "y", "true")
NO = ("no", "n", "false", "none")


@dataclass(frozen=True)
class Question:
    """One question: the slot it fills, what a valid answer is, and how it is asked."""

    slot: Slot
    spec: FieldSpec
    label: str
    text: str

    @property
    def key(self) -> bool:
        """A required item key: the snapshot format needs a value, `unknown` is not allowed."""
        return bool(self.slot[0] == "item" and self.slot[3] == key_field(self.slot[1]))


def _field_text(path: str, spec: FieldSpec) -> str:
    """The field's meaning; a part of a pair or of a baseline (`current`, `left`, `mean`) by its
    label, which names its parent, with its unit."""
    if not spec.label:
        return spec.description
    unit = f", in {spec.unit}" if spec.unit and not spec.unit.startswith("/") else ""
    return f"{spec.label[:1].upper()}{spec.label[1:]}{unit}."


def _yes_no(path: str, text: str) -> FieldSpec:
    return FieldSpec(path, BOOLEAN, text)


def flag_order(knowledge: KnowledgeBase, names: Iterable[str] | None = None) -> tuple[str, ...]:
    """The red flags (default: every one of the snapshot format) in the order the screen asks them:
    most urgent first (an emergency before a same-day referral before one within the week), then
    the format's order."""
    every = red_flag_names()
    rank = {flag: URGENCIES.index(entry.urgency) for flag, entry in knowledge.red_flags.items()}
    chosen = every if names is None else tuple(names)
    return tuple(sorted(chosen, key=lambda name: (rank.get(name, len(URGENCIES)), every.index(name))))


def _flag_text(knowledge: KnowledgeBase, flag: str) -> str:
    entry = knowledge.red_flags.get(flag)
    if entry and entry.question:
        return entry.question
    label = entry.label if entry else flag.replace("_", " ")
    return f"{label[:1].upper()}{label[1:]}?"


def checklist_text(knowledge: KnowledgeBase, names: Iterable[str] | None = None) -> str:
    """The red-flag checklist question, naming each flag by its label, most urgent first."""
    labels = [
        knowledge.red_flags[f].label if f in knowledge.red_flags else f.replace("_", " ")
        for f in flag_order(knowledge, names)
    ]
    return "Red-flag screen, most urgent first, any of these: " + "; ".join(labels) + "?"


def question(slot: Slot, knowledge: KnowledgeBase, checklist: str = "") -> Question:
    """The question that fills a slot (the red flags' words from the knowledge base; `checklist`:
    the checklist's words, by default every flag of the snapshot format)."""
    kind = slot[0]
    if kind == "field":
        spec = catalogue().scalars[slot[1]]
        return Question(slot, spec, slot[1], _field_text(slot[1], spec))
    if kind == "list" and slot[1] == RED_FLAGS:
        text = checklist or checklist_text(knowledge)
        return Question(slot, _yes_no(slot[1], text), slot[1], text)
    if kind == "list":
        text = LIST_QUESTIONS.get(slot[1], catalogue().scalars[slot[1]].description)
        return Question(slot, _yes_no(slot[1], text), slot[1], text)
    if kind == "flag":
        text = _flag_text(knowledge, slot[1])
        return Question(slot, _yes_no(f"{RED_FLAGS}:{slot[1]}", text), f"red flag {slot[1]}", text)
    noun = ITEM_NOUNS.get(slot[1], "item")
    if kind == "more":
        text = f"Another {noun}?"
        return Question(slot, _yes_no(slot[1], text), f"{slot[1]}: more", text)
    spec = catalogue().lists[slot[1]][slot[3]]
    label = f"{slot[1]}[{slot[2]}].{slot[3]}"
    return Question(slot, spec, label, f"{noun.capitalize()} {slot[2] + 1}: {spec.description}")


def _number(value: float | int) -> str:
    return f"{value:g}"


def describe(spec: FieldSpec) -> str:
    """What a valid answer is: kind, range and unit."""
    unit = f" {spec.unit}" if spec.unit and not spec.unit.startswith("/") else ""
    if spec.kind in (NUMBER, INTEGER):
        kind = "a whole number" if spec.kind == INTEGER else "a number"
        low, high = spec.minimum, spec.maximum
        if low is not None and high is not None:
            return f"{kind} from {_number(low)} to {_number(high)}{unit}"
        if low is not None:
            return f"{kind} ≥ {_number(low)}{unit}"
        return f"{kind}{unit}"
    if spec.kind == BOOLEAN:
        return "yes or no"
    if spec.kind == ENUM:
        return "one of " + " ".join(spec.choices)
    if spec.kind == SCALAR_LIST:
        return "any of " + " ".join(spec.choices) + " (separated by spaces), or none"
    return "text"


def _choice(spec: FieldSpec, word: str) -> str:
    if word in spec.choices:
        return word
    starts = [choice for choice in spec.choices if choice.startswith(word)]
    if len(starts) == 1:
        return starts[0]
    raise ValueError(f"{word!r} is not one of: {', '.join(spec.choices)}")


def parse_answer(spec: FieldSpec, text: str) -> Any:
    """The value an answer gives, checked against the field; ValueError says what is wrong."""
    word = text.strip().lower()
    if spec.kind == BOOLEAN:
        if word in YES:
            return True
        if word in NO:
            return False
        raise ValueError("answer yes or no")
    if spec.kind in (NUMBER, INTEGER):
        try:
            number = float(word)
        except ValueError:
            raise ValueError(f"{text.strip()!r} is not a number; expected {describe(spec)}") from None
        if not math.isfinite(number):
            raise ValueError(f"expected {describe(spec)}")
        if spec.kind == INTEGER and not number.is_integer():
            raise ValueError(f"{text.strip()!r} is not a whole number; expected {describe(spec)}")
        value: float | int = int(number) if spec.kind == INTEGER or re.fullmatch(r"-?\d+", word) else number
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise ValueError(f"{text.strip()} is out of range; expected {describe(spec)}")
        return value
    if spec.kind == ENUM:
        return _choice(spec, word)
    if spec.kind == SCALAR_LIST:
        if word in ("none", "no", "-"):
            return []
        values = [_choice(spec, part) for part in re.split(r"[\s,]+", word) if part]
        return list(dict.fromkeys(values))
    return text.strip()


def needed(states: dict[str, RuleState]) -> dict[Slot, list[Rule]]:
    """For every answer some undecided rule needs, the rules that need it."""
    needs: dict[Slot, list[Rule]] = {}
    for state in states.values():
        if not state.decided:
            for slot in state.needs:
                needs.setdefault(slot, []).append(state.rule)
    return needs


def _weight(rules: list[Rule]) -> float:
    return sum(1 + max(rule.salience, 0) / 100 for rule in rules)


def _field_order(slot: Slot) -> int:
    order = snapshot_fields()
    path = slot[1] if slot[0] != "flag" else RED_FLAGS
    return order.index(path) if path in order else len(order)


@dataclass(frozen=True)
class Goals:
    """The undecided rules that bear on the provisional advice's outcome: `progress` could bring
    an increase into it (or hold one back), `status` could change its status."""

    progress: frozenset[str] = frozenset()
    status: frozenset[str] = frozenset()


def next_slot(
    partial: Partial,
    needs: dict[Slot, list[Rule]],
    urgent: frozenset[str] = frozenset(),
    goals: Goals = Goals(),
    order: tuple[str, ...] | None = None,
) -> Slot | None:
    """The next question to ask, or None when no answer can change the advice any more.

    `urgent` names the red-flag rules (those that refer to a clinician): what they need is asked
    before anything else but an item list being filled in, the red-flag checklist first. Then
    what the `goals` rules need: those that could bring in an increase first, then those that
    could change the status.
    """
    for path in item_lists():
        answer = partial.lists.get(path)
        if isinstance(answer, ListAnswer) and answer.items and key_field(path) not in answer.items[-1]:
            return ("item", path, len(answer.items) - 1, key_field(path))
    open_slots = [slot for slot in needs if slot[0] in ("item", "more")]
    if open_slots:
        fields = {path: list(catalogue().lists[path]) for path in item_lists()}
        return min(
            open_slots,
            key=lambda s: (
                s[1],
                s[0] == "more",
                s[2] if s[0] == "item" else 0,
                fields[s[1]].index(s[3]) if s[0] == "item" else 0,
            ),
        )
    flags = [slot for slot in needs if slot[0] == "flag"]
    if ("list", RED_FLAGS) in needs or flags:
        gates = [("field", gate) for gate in partial.pending_flag_gates() if ("field", gate) in needs]
        if gates:
            return gates[0]  # the sex or age that decides which flags the checklist asks
    if ("list", RED_FLAGS) in needs:
        return ("list", RED_FLAGS)
    if flags:
        ranked = order or red_flag_names()
        return min(flags, key=lambda s: ranked.index(s[1]) if s[1] in ranked else len(ranked))
    if not needs:
        return None
    red = [slot for slot in needs if any(rule.id in urgent for rule in needs[slot])]

    def key(slot: Slot) -> tuple[float, float, float, int]:
        rules = needs[slot]
        return (
            -_weight([rule for rule in rules if rule.id in goals.progress]),
            -_weight([rule for rule in rules if rule.id in goals.status]),
            -_weight(rules),
            _field_order(slot),
        )

    return min(red or needs, key=key)


class Questioner:
    """Chooses questions for one rule set: the relevance engine plus the ordering."""

    def __init__(self, relevance: Relevance) -> None:
        self.relevance = relevance
        ruleset = relevance.ruleset
        adjustments = ruleset.knowledge.adjustments
        self.urgent = frozenset(
            rule.id for rule in ruleset.rules if any(adjustments[name].status == "red" for name in rule.adjustments)
        )
        self.gives = {rule.id: [adjustments[name] for name in rule.adjustments] for rule in ruleset.rules}
        self.checklist_rules = [rule for rule in ruleset.rules if RED_FLAGS in fields_used(rule)]
        self.knowledge = ruleset.knowledge
        self.flags = flag_order(ruleset.knowledge)

    def assess(self, partial: Partial) -> tuple[dict[str, RuleState], dict[Slot, list[Rule]]]:
        states = self.relevance.assess(partial)
        needs = needed(states)
        if RED_FLAGS in partial.lists:
            # an open checklist is finished: every flag found names the referral's site and urgency
            for name in flag_order(self.knowledge, partial.flag_names()):
                if name not in partial.flags:
                    needs.setdefault(("flag", name), list(self.checklist_rules))
        if ("list", RED_FLAGS) in needs or any(slot[0] == "flag" for slot in needs):
            for gate in partial.pending_flag_gates():  # which flags apply decides what is asked
                needs.setdefault(("field", gate), list(self.checklist_rules))
        return states, needs

    def checklist(self, partial: Partial) -> str:
        """The red-flag checklist question: the flags that can apply to the athlete, in words."""
        return checklist_text(self.knowledge, partial.flag_names())

    def question(self, slot: Slot, partial: Partial) -> Question:
        """The question that fills a slot, the checklist naming the flags that apply."""
        return question(slot, self.knowledge, self.checklist(partial) if slot == ("list", RED_FLAGS) else "")

    def _status(self, rule_ids: Iterable[str]) -> int:
        given = [adjustment for rule_id in rule_ids for adjustment in self.gives[rule_id]]
        overridden = {name for adjustment in given for name in adjustment.overrides}
        return max((STATUS_RANK[a.status] for a in given if a.id not in overridden), default=0)

    def goals(self, states: dict[str, RuleState], fired: frozenset[str]) -> Goals:
        """Which undecided rules could change the provisional advice (the engine's firings over
        the answers so far, unanswered = unknown) where it matters most.

        progress: a rule not firing now that would give an increase no certain firing overrides
        (and not already given), or a rule firing now whose decrease overrides such an increase.
        status: a rule not firing now that would raise the status or override an adjustment now
        in the advice, or a rule firing now that sets the status above what certain firings give.
        """
        sure = [rule_id for rule_id, state in states.items() if state.value is True]
        maybe = [rule_id for rule_id, state in states.items() if state.value is None]
        ruled_out = {name for rule_id in sure for a in self.gives[rule_id] for name in a.overrides}
        given = {a.id for rule_id in fired for a in self.gives[rule_id]}
        kept = given - {name for rule_id in fired for a in self.gives[rule_id] for name in a.overrides}
        reachable = {
            a.id
            for rule_id in maybe
            if rule_id not in fired
            for a in self.gives[rule_id]
            if a.direction == "increase" and a.id not in ruled_out and a.id not in kept
        }
        status, floor = self._status(fired), self._status(sure)
        progress, changes = set(), set()
        for rule_id in maybe:
            adjustments = self.gives[rule_id]
            rank = max((STATUS_RANK[a.status] for a in adjustments), default=0)
            if rule_id in fired:
                if any(name in reachable for a in adjustments for name in a.overrides):
                    progress.add(rule_id)
                if rank > floor:
                    changes.add(rule_id)
            else:
                if any(a.id in reachable for a in adjustments):
                    progress.add(rule_id)
                if rank > status or any(name in kept for a in adjustments for name in a.overrides):
                    changes.add(rule_id)
        return Goals(frozenset(progress), frozenset(changes))

    def next_question(self, partial: Partial, needs: dict[Slot, list[Rule]], goals: Goals = Goals()) -> Question | None:
        slot = next_slot(partial, needs, self.urgent, goals, self.flags)
        return None if slot is None else self.question(slot, partial)
