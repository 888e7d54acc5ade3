"""The consultation dialogue: ask one question at a time, re-evaluate after every answer, and
answer `why`, `how`, `back`, `advice` and `quit` at any prompt.

The dialogue is a loop over `Consultation.next_question()`; the state is the starting partial
snapshot plus the list of answers given, so `back` simply drops the last answer. Prompts and
output go through two callables, so the same loop runs at a terminal, under a test runner or
from a script (one answer per line on standard input).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.because import because_texts
from runstrong.advice.render import STATUS_WORDS
from runstrong.advice.result import recommend
from runstrong.consult.assessment import DERIVED_ITEM_INPUTS, join_refs
from runstrong.consult.questions import Question, Questioner, describe, parse_answer
from runstrong.consult.relevance import Relevance
from runstrong.consult.threevalued import RuleState
from runstrong.consult.words import gives_words, leaf_words
from runstrong.engine.evaluator import Evaluator, fields_used
from runstrong.rules.applicability import gate_conditions
from runstrong.rules.conditions import AllOf, Compare, ItemMatch, Join
from runstrong.rules.model import Rule, leaves
from runstrong.snapshot.applies import AGE, SEX
from runstrong.snapshot.fields import catalogue, field_label
from runstrong.snapshot.partial import MISSING, RED_FLAGS, ListAnswer, Partial, Slot
from runstrong.snapshot.validation import Snapshot, get_path

COMMANDS = ("why", "how", "back", "advice", "quit", "help")
UNKNOWN_WORDS = ("", "unknown", "?")
HELP = (
    "Answer the question, or `unknown` (an empty answer is unknown too). At any prompt: "
    "why = which rules need this answer; how = how the provisional advice was reached; "
    "back = change the previous answer; advice = the advice so far; quit = stop here."
)


class EndOfInput(Exception):
    """The answers ran out (end of standard input)."""


@dataclass
class Consultation:
    """The answers so far over a starting partial snapshot, and what they lead to."""

    evaluator: Evaluator
    base: Partial
    athlete_id: str
    date: str
    history: list[tuple[Slot, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.questioner = Questioner(Relevance(self.evaluator.ruleset))
        self._cache: dict[str, Any] = {}
        flags = self.evaluator.ruleset.knowledge.red_flags
        self.base.flag_gates = {name: flag.applies_to for name, flag in flags.items() if flag.applies_to}

    @property
    def partial(self) -> Partial:
        if "partial" not in self._cache:
            partial = self.base.copy()
            for slot, value in self.history:
                partial.apply(slot, value)
            self._cache["partial"] = partial
        result: Partial = self._cache["partial"]
        return result

    def assessment(self) -> tuple[dict[str, RuleState], dict[Slot, list[Rule]]]:
        if "assessment" not in self._cache:
            self._cache["assessment"] = self.questioner.assess(self.partial)
        result: tuple[dict[str, RuleState], dict[Slot, list[Rule]]] = self._cache["assessment"]
        return result

    def next_question(self) -> Question | None:
        """The most useful question still open, or None when no answer can change the advice."""
        states, needs = self.assessment()
        fired = frozenset(entry["rule"] for entry in self.result()["fired"])
        return self.questioner.next_question(self.partial, needs, self.questioner.goals(states, fired))

    def referral_certain(self) -> list[str]:
        """The referral rules that fire whatever the remaining answers are (none: not certain)."""
        states, _ = self.assessment()
        return sorted(rule_id for rule_id in self.questioner.urgent if states[rule_id].value is True)

    def answer(self, slot: Slot, value: Any) -> None:
        self.history.append((slot, value))
        self._cache.clear()

    def back(self) -> Slot | None:
        """Drop the last answer; returns its slot (None when there is nothing to undo)."""
        if not self.history:
            return None
        slot, _value = self.history.pop()
        self._cache.clear()
        return slot

    def snapshot(self) -> Snapshot:
        return self.partial.snapshot(self.athlete_id, self.date)

    def result(self) -> dict[str, Any]:
        """The advice `runstrong recommend` gives for the snapshot so far."""
        if "result" not in self._cache:
            self._cache["result"] = recommend(self.evaluator, self.snapshot())
        result: dict[str, Any] = self._cache["result"]
        return result

    # -- explanations

    def why(self, asked: Question) -> list[str]:
        """Which undecided rules need this answer, what they look at and what they would give."""
        rules = self.assessment()[1].get(asked.slot, [])
        if not rules:
            return ["No undecided rule needs this answer any more."]
        lines = [f"Why ask: {len(rules)} rule(s) not decided yet need this answer:"]
        ruleset = self.evaluator.ruleset
        for rule in sorted(rules, key=lambda r: (-r.salience, r.id)):
            lines.append(f"  {rule.id} [{rule.grade}] {rule.title}")
            tests = self._tests(rule, asked.slot)
            lines.append(
                "     it looks at: "
                + ("; ".join(tests) if tests else "this answer indirectly (another rule's conclusion it depends on)")
            )
            lines.append("     if it fires: " + gives_words(ruleset, rule))
        return lines

    def _tests(self, rule: Rule, slot: Slot) -> list[str]:
        """What a rule looks at in the answer a slot gives, in words: its conditions that read it,
        who it (or a field or red flag it reads) applies to when the slot is a sex or age."""
        ruleset = self.evaluator.ruleset
        knowledge = ruleset.knowledge
        gate = slot[1] if slot[0] == "field" and slot[1] in (SEX, AGE) else ""
        skip = set(leaves(AllOf(gate_conditions(rule.applies_to)))) if rule.applies_to else set()
        tests = [leaf_words(ruleset, leaf) for leaf in leaves(rule.when) if leaf not in skip and _reads(leaf, slot)]
        if gate and rule.applies_to and gate in rule.applies_to.gates:
            tests.append(f"the rule applies only to {rule.applies_to.words()}")
        for path in sorted(fields_used(rule)):
            applies = knowledge.field_applies.get(path)
            if gate and applies and gate in applies.gates:
                tests.append(f"{field_label(path)}, asked only of {applies.words()}")
        if gate and RED_FLAGS in fields_used(rule):
            for flag in knowledge.red_flags.values():
                if flag.applies_to and gate in flag.applies_to.gates:
                    tests.append(f"the red-flag checklist asks about {flag.label} only of {flag.applies_to.words()}")
        return list(dict.fromkeys(tests))

    def how(self) -> list[str]:
        """How the provisional advice was reached: the rules that fired and what they matched."""
        result = self.result()
        lines = [f"Provisional advice: {result['summary']['headline']} (questions not answered yet count as unknown)"]
        if not result["fired"]:
            lines.append("  No rule has fired yet.")
        ruleset = self.evaluator.ruleset
        seen = because_texts(ruleset, self.evaluator.evaluate(self.snapshot()).firings)
        for fired in result["fired"]:
            rule = ruleset.rule(fired["rule"])
            lines.append(f"  {rule.id} fired: {rule.title}")
            for text in seen.get(rule.id, []):
                lines.append(f"     seen: {text}")
            lines.append("     gave: " + gives_words(ruleset, rule))
        return lines

    def advice(self) -> list[str]:
        """The provisional status and adjustments."""
        result = self.result()
        lines = [f"Advice so far: {result['summary']['headline']}"]
        for number, rec in enumerate(result["recommendations"], 1):
            rules = ", ".join(r["id"] for r in rec["rules"])
            lines.append(f"  {number}. {rec['do']} [{rec['adjustment']}; {rules}]")
        if not result["recommendations"]:
            lines.append("  No adjustments yet.")
        return lines

    def summary(self) -> tuple[str, tuple[str, ...]]:
        result = self.result()
        return result["status"], tuple(rec["adjustment"] for rec in result["recommendations"])

    def titles(self, adjustments: tuple[str, ...]) -> list[str]:
        """Adjustments by their titles."""
        catalogue_ = self.evaluator.ruleset.knowledge.adjustments
        return [catalogue_[name].title if name in catalogue_ else name for name in adjustments]


def _reads(leaf: Any, slot: Slot) -> bool:
    """Whether a leaf reads the field a slot fills (directly or through a derived value)."""
    path = RED_FLAGS if slot[0] == "flag" else slot[1]
    if slot[0] == "item":
        name = slot[3]
        names = {name} | {
            field for (lst, field), inputs in DERIVED_ITEM_INPUTS.items() if lst == path and name in inputs
        }
        if isinstance(leaf, ItemMatch):
            return leaf.list == path and any(compare.field in names for compare in leaf.where)
        if isinstance(leaf, Join):
            return any(ref.field == name for ref in join_refs(leaf))
    if isinstance(leaf, ItemMatch):
        return bool(leaf.list == path)
    if isinstance(leaf, Compare):
        spec = catalogue().scalars.get(leaf.field)
        return leaf.field == path or (spec is not None and path in spec.inputs)
    return False


def _show_question(number: int, asked: Question) -> list[str]:
    return [
        f"Q{number}. {asked.text}  [{asked.label}]",
        f"    {describe(asked.spec)}" + ("" if asked.key else "; unknown if not known"),
    ]


def _change(consultation: Consultation, before: tuple[str, tuple[str, ...]], after: tuple[str, tuple[str, ...]]) -> str:
    added = consultation.titles(tuple(name for name in after[1] if name not in before[1]))
    dropped = consultation.titles(tuple(name for name in before[1] if name not in after[1]))
    parts = [STATUS_WORDS[after[0]]]
    parts += [f"+ {', '.join(added)}"] if added else []
    parts += [f"- {', '.join(dropped)}"] if dropped else []
    return "  → advice now: " + "; ".join(parts)


def _read_answer(
    consultation: Consultation, current: Question, ask: Callable[[], str], say: Callable[[str], None]
) -> str | None:
    """Prompt until the question is answered ("answered"), or the user goes back or quits.

    Raises EndOfInput when the input runs out.
    """
    while True:
        text = ask()
        word = text.strip().lower()
        if word == "quit":
            return "quit"
        if word == "back":
            if consultation.back() is None:
                say("  Nothing to go back to.")
                continue
            say("  Going back to the previous question.")
            return "back"
        if word in ("why", "how", "advice", "help"):
            commands: dict[str, Callable[[], list[str]]] = {
                "why": lambda: consultation.why(current),
                "how": consultation.how,
                "advice": consultation.advice,
                "help": lambda: [HELP],
            }
            output = commands[word]()
            for line in output:
                say(line)
            continue
        if word in UNKNOWN_WORDS:
            if current.key:
                say(
                    f"  ✗ the snapshot format needs a value here ({describe(current.spec)}); "
                    "answer it, or `back` to undo the item"
                )
                continue
            value: Any = MISSING
        else:
            try:
                value = parse_answer(current.spec, text)
            except ValueError as error:
                say(f"  ✗ {error}. Please answer again.")
                continue
        consultation.answer(current.slot, value)
        return "answered"


#: Said once, when the answers make a referral certain.
REFERRAL_CERTAIN = (
    "A referral to a clinician is now certain: the remaining questions can only add detail to the",
    "advice, not change it. Type `advice` to see it, `quit` to finish here (with --save the snapshot",
    "is saved), or keep answering.",
)


def run_dialogue(consultation: Consultation, ask: Callable[[], str], say: Callable[[str], None]) -> bool:
    """Ask until no answer can change the advice (True) or the user quits (False).

    `ask` returns one line of input and raises EndOfInput when there is none left.
    """
    say(HELP)
    before = consultation.summary()
    titles = consultation.titles(before[1])
    say(f"Advice before any answer: {STATUS_WORDS[before[0]]}" + (f" ({', '.join(titles)})" if titles else ""))
    offered = bool(consultation.referral_certain())
    while (current := consultation.next_question()) is not None:
        if not offered and consultation.referral_certain():
            offered = True
            for line in REFERRAL_CERTAIN:
                say(line)
        for line in _show_question(len(consultation.history) + 1, current):
            say(line)
        try:
            outcome = _read_answer(consultation, current, ask, say)
        except EndOfInput:
            say("(end of input: stopping here)")
            return False
        if outcome == "quit":
            return False
        after = consultation.summary()
        if after[0] != before[0] or set(after[1]) != set(before[1]):
            say(_change(consultation, before, after))
            before = after
    return True


def _answer_text(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(map(str, value)) or "none"
    return str(value)


def answer_from(snapshot: Snapshot, slot: Slot, partial: Partial) -> str:
    """The answer a complete snapshot gives to a question (for replaying a snapshot through
    the dialogue: tests, benchmarks and question counts)."""
    kind, path = slot[0], slot[1]
    if kind == "flag":
        flags = get_path(snapshot, RED_FLAGS)
        return "unknown" if flags is None else _answer_text(path in flags)
    value = get_path(snapshot, path)
    if kind == "field":
        return _answer_text(value)
    if kind == "list":
        return "unknown" if value is None else _answer_text(bool(value))
    answer = partial.lists[path]
    assert isinstance(answer, ListAnswer)
    if kind == "more":
        return _answer_text(len(value) > len(answer.items))
    return _answer_text(value[slot[2]].get(slot[3]))
