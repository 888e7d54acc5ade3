"""The consultation's explanations in plain words: a rule's conditions and what it gives."""

from __future__ import annotations

from typing import Any

from runstrong.advice.because import number_words, singular, value_words
from runstrong.rules.conditions import Compare, Concluded, FieldRef, ItemMatch, Join, ThresholdRef
from runstrong.rules.model import Rule, RuleSet
from runstrong.snapshot.fields import FieldSpec, catalogue, field_label

#: Comparison operators in words.
OP_WORDS = {
    "<": "under",
    "<=": "at most",
    ">": "over",
    ">=": "at least",
    "==": "is",
    "!=": "is not",
    "in": "is",
    "not_in": "is not",
    "has": "include",
    "has_any": "include",
}
#: A count field's label starts with this; its comparison reads "it came back at least once".
HOW_MANY_TIMES = "how many times "
COUNT_WORDS = {1: "once", 2: "twice"}


def gives_words(ruleset: RuleSet, rule: Rule) -> str:
    """What a rule gives, in words: its adjustments by title, then its conclusions."""
    adjustments = ruleset.knowledge.adjustments
    gives = [adjustments[name].title if name in adjustments else name for name in rule.adjustments]
    gives += [f"concludes: {name.replace('-', ' ')}" for name in rule.conclusions]
    return "; ".join(gives)


def _either(parts: list[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} or {parts[-1]}"


def _number(value: float, unit: str) -> str:
    if unit == "times" and float(value).is_integer():
        return COUNT_WORDS.get(int(value), f"{value:g} times")
    text = number_words(value)
    return f"{text}{unit}" if unit.startswith("/") else f"{text} {unit}" if unit else text


def operand_words(ruleset: RuleSet, operand: Any, field: str, spec: FieldSpec | None) -> str:
    """The right-hand side of a comparison in words: a threshold's value, enum values spelt out."""
    knowledge = ruleset.knowledge
    unit = spec.unit if spec else ""
    if isinstance(operand, ThresholdRef):
        threshold = knowledge.thresholds[operand.name]
        if isinstance(threshold.value, tuple):  # a set of values: one of them, in words
            return _either([value_words(knowledge, field, v) for v in threshold.value])
        return _number(threshold.value, unit if unit == "times" else threshold.unit)
    if isinstance(operand, tuple):
        return _either([value_words(knowledge, field, str(v)) for v in operand])
    if isinstance(operand, FieldRef):
        return field_label(operand.field)
    if isinstance(operand, bool):
        return "yes" if operand else "no"
    if isinstance(operand, str):
        return value_words(knowledge, field, operand)
    return _number(operand, unit)


def leaf_words(ruleset: RuleSet, leaf: Any, list_path: str = "") -> str:
    """A condition in words, with the values of the thresholds it names."""
    if isinstance(leaf, Compare):
        path = f"{list_path}.{leaf.field}" if list_path else leaf.field
        name = field_label(path)
        if leaf.op.startswith("is "):
            return f"{name} {'not reported' if leaf.op == 'is unknown' else 'reported'}"
        spec = catalogue().lists.get(list_path, {}).get(leaf.field) if list_path else catalogue().scalars.get(path)
        if name.startswith(HOW_MANY_TIMES) and spec and spec.unit == "times":
            name = name.removeprefix(HOW_MANY_TIMES)
        text = singular(f"{name} {OP_WORDS.get(leaf.op, leaf.op)} {operand_words(ruleset, leaf.operand, path, spec)}")
        return f"not ({text})" if leaf.negated else text
    if isinstance(leaf, ItemMatch):
        where = " and ".join(leaf_words(ruleset, c, leaf.list) for c in leaf.where)
        what = field_label(leaf.list)
        return (f"none of {what}" if leaf.negated else f"one of {what}") + (f" with {where}" if where else "")
    if isinstance(leaf, Join):
        return "two items on the same day" if "day" in leaf.text else "two items that match"
    assert isinstance(leaf, Concluded)
    return f"{'not ' if leaf.negated else ''}{leaf.name.replace('-', ' ')} (concluded by another rule)"
