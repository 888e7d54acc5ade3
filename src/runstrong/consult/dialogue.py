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
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.conditions import Compare, Concluded, FieldRef, ItemMatch, Join, ThresholdRef
from runstrong.rules.model import Rule, RuleSet, leaves
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
        """Which undecided rules need this answer, what they test and what they would give."""
        rules = self.assessment()[1].get(asked.slot, [])
        if not rules:
            return ["No undecided rule needs this answer any more."]
        lines = [f"Why ask: {len(rules)} undecided rule(s) need this answer:"]
        for rule in sorted(rules, key=lambda r: (-r.salience, r.id)):
            lines.append(f"  {rule.id} [{rule.grade}] {rule.title}")
            tests = [_leaf_text(self.evaluator.ruleset, leaf) for leaf in leaves(rule.when) if _reads(leaf, asked.slot)]
            lines.append(
                "     tests: "
                + (
                    "; ".join(dict.fromkeys(tests))
                    if tests
                    else "(indirectly: through a conclusion it depends on, or a value its advice quotes)"
                )
            )
            gives = [*rule.adjustments, *(f"conclude {name}" for name in rule.conclusions)]
            lines.append("     if it fires: " + ", ".join(gives))
        return lines

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
            gives = [*rule.adjustments, *(f"conclude {name}" for name in rule.conclusions)]
            lines.append("     gave: " + ", ".join(gives))
        return lines

    def advice(self) -> list[str]:
        """The provisional status and adjustments."""
        result = self.result()
        lines = [f"Advice so far: {result['summary']['headline']}"]
        for number, rec in enumerate(result["recommendations"], 1):
            rules = ", ".join(r["id"] for r in rec["rules"])
            lines.append(f"  {number}. {rec['do']} [{rec['adjustment']}] - {rules}")
        if not result["recommendations"]:
            lines.append("  No adjustments yet.")
        return lines

    def summary(self) -> tuple[str, tuple[str, ...]]:
        result = self.result()
        return result["status"], tuple(rec["adjustment"] for rec in result["recommendations"])


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


#: Comparison operators in words.
OP_WORDS = {
    "<": "under",
    "<=": "at most",
    ">": "over",
    ">=": "at least",
    "==": "is",
    "!=": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "has": "includes",
    "has_any": "includes any of",
}


def _operand_words(ruleset: RuleSet, operand: Any, unit: str) -> str:
    if isinstance(operand, ThresholdRef):
        threshold = ruleset.knowledge.thresholds[operand.name]
        return f"{_value_text(threshold.value)}{' ' + threshold.unit if threshold.unit else ''}"
    if isinstance(operand, tuple):
        return ", ".join(str(v).replace("_", " ") for v in operand)
    if isinstance(operand, FieldRef):
        return field_label(operand.field)
    text = str(operand).replace("_", " ") if isinstance(operand, str) else _value_text(operand)
    return f"{text}{' ' + unit if unit and not isinstance(operand, str) else ''}"


def _leaf_text(ruleset: RuleSet, leaf: Any, list_path: str = "") -> str:
    """A condition in words, with the values of the thresholds it names."""
    if isinstance(leaf, Compare):
        path = f"{list_path}.{leaf.field}" if list_path else leaf.field
        name = field_label(path)
        if leaf.op.startswith("is "):
            return f"{name} {'not reported' if leaf.op == 'is unknown' else 'reported'}"
        spec = catalogue().lists.get(list_path, {}).get(leaf.field) if list_path else catalogue().scalars.get(path)
        operand = _operand_words(ruleset, leaf.operand, spec.unit if spec else "")
        text = f"{name} {OP_WORDS.get(leaf.op, leaf.op)} {operand}"
        return f"not ({text})" if leaf.negated else text
    if isinstance(leaf, ItemMatch):
        where = " and ".join(_leaf_text(ruleset, c, leaf.list) for c in leaf.where)
        what = field_label(leaf.list)
        return (f"none of {what}" if leaf.negated else f"one of {what}") + (f" with {where}" if where else "")
    if isinstance(leaf, Join):
        return "two items on the same day" if "day" in leaf.text else "two items that match"
    assert isinstance(leaf, Concluded)
    return f"{'not ' if leaf.negated else ''}{leaf.name.replace('-', ' ')} (concluded by another rule)"


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


def _change(before: tuple[str, tuple[str, ...]], after: tuple[str, tuple[str, ...]]) -> str:
    added = [name for name in after[1] if name not in before[1]]
    dropped = [name for name in before[1] if name not in after[1]]
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
    say(f"Advice before any answer: {STATUS_WORDS[before[0]]}" + (f" ({', '.join(before[1])})" if before[1] else ""))
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
            say(_change(before, after))
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
