"""Why a rule fired, in plain words: its `because` template filled in from one firing.

`{alias.field}` is a field of the item bound to that alias, `{list.path.field}` a field of the one
item the rule matched on that list, `{dotted.path}` an athlete (snapshot or derived) value and
`{$name}` a threshold's value. Numbers lose their trailing noise (percentages are whole), enum
values are spelt out (`lower_back` -> lower back, `mon` -> Monday), lists are joined with commas
and "and", and a list tested with `has`/`has_any` shows only the values the rule looked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from runstrong.engine.records import Firing
from runstrong.rules.compiler import CompiledBranch
from runstrong.rules.conditions import Compare, ItemMatch, ThresholdRef
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.model import (
    ALIAS,
    ATHLETE,
    PLACEHOLDER,
    THRESHOLD,
    Placeholder,
    RuleSet,
    parse_placeholder,
)
from runstrong.snapshot.fields import catalogue
from runstrong.util.memo import PerObject, remembered, value_key

#: What a placeholder whose value is missing renders as (`rules check` makes sure that a fired
#: rule's placeholders are always known).
UNKNOWN = "unknown"

#: Enum values in words where replacing `_` by a space is not enough. Sites (tendon sites,
#: soreness regions, joints) and red flags take their labels from the knowledge base
#: (`knowledge/sites.yaml`, `knowledge/red_flags.yaml`), like the rest of the advice.
VALUE_WORDS: dict[str, str] = {
    "achilles": "Achilles",
    "achilles_tendinopathy": "Achilles tendinopathy",
    "itb_syndrome": "ITB syndrome",
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}

#: Enum values whose words depend on the field (keyed by the field's last name).
FIELD_VALUE_WORDS: dict[str, dict[str, str]] = {
    "type": {"other": "another injury"},
}

#: Fields whose values are body sites (keys of the knowledge base's sites).
SITE_FIELDS = ("site", "region", "joint")

#: Fields whose values are red flags.
RED_FLAG_FIELDS = ("red_flags", "flag")

_SINGULAR = re.compile(
    r"(?<![\d.,\-])1 (day|week|month|year|rep|session|contact|hour|minute|time)s\b|(?<![\d.,\-])1 injuries\b"
)

#: How many decimal places a number may grow to so that it does not look equal to its limit.
MAX_DECIMALS = 6


def format_number(value: float, decimals: int) -> str:
    """`value` rounded to `decimals` places, without trailing zeros (6.0 -> 6, 6.40 -> 6.4)."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def default_decimals(value: float, percent: bool) -> int:
    """Whole percentages; one decimal place, or two below 1 (0.88 m/s)."""
    if percent or float(value).is_integer():
        return 0
    return 1 if abs(value) >= 1 else 2


def number_words(value: float, percent: bool = False, limits: Iterable[float] = ()) -> str:
    """A number for people, with just enough decimals not to look equal to a limit it differs from
    (30.4 % against a limit of 30 % shows as 30.4, not 30)."""
    decimals = default_decimals(value, percent)
    for limit in limits:
        while (
            decimals < MAX_DECIMALS
            and value != limit
            and format_number(value, decimals) == format_number(limit, decimals)
        ):
            decimals += 1
    return format_number(value, decimals)


def value_words(knowledge: KnowledgeBase, field: str, value: str) -> str:
    """An enum value in words (`lower_back` -> lower back, a `patellar` site -> patellar tendon,
    `night_pain` -> pain that wakes you at night)."""
    name = field.rpartition(".")[2]
    if value in FIELD_VALUE_WORDS.get(name, {}):
        return FIELD_VALUE_WORDS[name][value]
    if name in SITE_FIELDS and value in knowledge.sites:
        return knowledge.site_label(value)
    if name in RED_FLAG_FIELDS and value in knowledge.red_flags:
        return knowledge.red_flags[value].label
    return VALUE_WORDS.get(value) or value.replace("_", " ")


def join_words(parts: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(parts) <= 1:
        return "".join(parts) or "none"
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def words(
    knowledge: KnowledgeBase,
    field: str,
    value: Any,
    percent: bool = False,
    limits: Iterable[float] = (),
    keep: Sequence[Any] | None = None,
) -> str:
    """Any value of a field in words; a list keeps only the values in `keep` when it is given."""
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number_words(value, percent, limits)
    if isinstance(value, (list, tuple)):
        shown = [v for v in value if keep is None or v in keep]
        spec = catalogue().scalars.get(field)
        if spec is not None and spec.choices:  # the format's order, not the order they were typed in
            shown.sort(key=lambda v: spec.choices.index(v) if v in spec.choices else len(spec.choices))
        return join_words([words(knowledge, field, v) for v in shown])
    return value_words(knowledge, field, str(value))


def singular(text: str) -> str:
    """`1 days` -> `1 day` (templates are written for plural values)."""
    return _SINGULAR.sub(lambda m: f"1 {m[1]}" if m[1] else "1 injury", text)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _limits(ruleset: RuleSet, compares: Iterable[Compare], field: str) -> list[float]:
    found = []
    for compare in compares:
        operand = compare.operand
        if compare.field != field:
            continue
        if isinstance(operand, ThresholdRef):
            operand = ruleset.threshold_value(operand.name)
        if isinstance(operand, (int, float)) and not isinstance(operand, bool):
            found.append(float(operand))
    return found


def _kept(compares: Iterable[Compare], field: str) -> list[Any] | None:
    """The values a `has`/`has_any` test on `field` looked for (None when there is none)."""
    kept: list[Any] = []
    tested = False
    for compare in compares:
        if compare.field == field and compare.op in ("has", "has_any") and not compare.negated:
            tested = True
            operand = compare.operand
            kept += list(operand) if isinstance(operand, tuple) else [operand]
    return kept if tested else None


def _threshold_words(ruleset: RuleSet, name: str) -> str:
    threshold = ruleset.knowledge.thresholds.get(name)
    if threshold is None:
        return UNKNOWN
    return words(ruleset.knowledge, name, threshold.value, percent=threshold.unit.strip() == "%")


def because_text(ruleset: RuleSet, firing: Firing) -> str:
    """What the rule saw, in plain words: its `because` template filled in from `firing`
    (the rule's title when the rule has no template)."""
    rule = firing.rule
    if not rule.because:
        return rule.title
    return _template(ruleset, firing).text(firing)


@dataclass(frozen=True)
class _Slot:
    """One placeholder of a template, for one branch: how to read its value from a firing, and
    what (besides the value) its words depend on."""

    read: Callable[[Firing], Any]
    field: str
    percent: bool
    limits: tuple[float, ...]
    kept: tuple[Any, ...] | None


def _slot(ruleset: RuleSet, branch: CompiledBranch, placeholder: Placeholder) -> _Slot | str:
    """How to fill in this placeholder on this branch; a text when that does not depend on
    the firing (a threshold, a placeholder that names no bound item)."""
    if placeholder.kind == THRESHOLD:
        return _threshold_words(ruleset, placeholder.name)
    if placeholder.kind == ATHLETE:
        compares = [leaf for leaf in branch.leaves if isinstance(leaf, Compare)]
        name = placeholder.name
        kept = _kept(compares, name)
        return _Slot(
            lambda firing: firing.athlete.get(name),
            name,
            catalogue().scalars[name].unit == "%",
            tuple(_limits(ruleset, compares, name)),
            None if kept is None else tuple(kept),
        )
    matches = [leaf for leaf in branch.leaves if isinstance(leaf, ItemMatch) and not leaf.negated]
    for leaf, item_name in zip(matches, branch.item_names, strict=True):
        if (placeholder.kind == ALIAS and leaf.alias == placeholder.name) or (
            placeholder.kind != ALIAS and leaf.list == placeholder.name
        ):
            item_spec = catalogue().lists[leaf.list].get(placeholder.field)
            field, kept = placeholder.field, _kept(leaf.where, placeholder.field)
            return _Slot(
                _item_reader(item_name, field),
                field,
                item_spec is not None and item_spec.unit == "%",
                tuple(_limits(ruleset, leaf.where, field)),
                None if kept is None else tuple(kept),
            )
    return UNKNOWN


def _item_reader(item_name: str, field: str) -> Callable[[Firing], Any]:
    return lambda firing: firing.items[item_name].get(field)


class _Template:
    """A rule's `because` template worked out for one branch: the literal text and the slots
    between it, and the texts already filled in, by the values they were filled from."""

    def __init__(self, ruleset: RuleSet, branch: CompiledBranch) -> None:
        self.knowledge = ruleset.knowledge
        rule = branch.rule
        pieces = PLACEHOLDER.split(rule.because)  # literal, name, literal, name, ..., literal
        self.parts: list[str | _Slot] = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                self.parts.append(piece)
                continue
            placeholder = parse_placeholder(piece, rule.aliases)
            self.parts.append(UNKNOWN if placeholder is None else _slot(ruleset, branch, placeholder))
        self.slots = [part for part in self.parts if isinstance(part, _Slot)]
        self.filled: dict[tuple[Any, ...], str] = {}  # a bounded table

    def text(self, firing: Firing) -> str:
        values = [slot.read(firing) for slot in self.slots]
        return remembered(self.filled, tuple(value_key(value) for value in values), lambda: self._fill(values))

    def _fill(self, values: list[Any]) -> str:
        given = iter(values)
        filled = (
            part
            if isinstance(part, str)
            else words(self.knowledge, part.field, next(given), part.percent, part.limits, part.kept)
            for part in self.parts
        )
        return capitalise(singular("".join(filled)))


_TEMPLATES: PerObject[PerObject[_Template]] = PerObject()


def _template(ruleset: RuleSet, firing: Firing) -> _Template:
    """The firing's template, worked out once per rule set and branch."""
    branch = firing.branch
    return _TEMPLATES.get(ruleset, PerObject).get(branch, lambda: _Template(ruleset, branch))


def because_texts(ruleset: RuleSet, firings: Iterable[Firing]) -> dict[str, list[str]]:
    """Each fired rule's `because` texts, in firing order, each text once. A firing on the same
    items as an earlier firing of that rule (two aliases swapped: sessions a=Mon, b=Tue and
    a=Tue, b=Mon) is left out."""
    seen: set[tuple[str, frozenset[tuple[Any, Any]]]] = set()
    texts: dict[str, list[str]] = {}
    for firing in firings:
        key = (firing.rule.id, frozenset((item["list"], item["index"]) for item in firing.items.values()))
        if key in seen:
            continue
        seen.add(key)
        text = because_text(ruleset, firing)
        found = texts.setdefault(firing.rule.id, [])
        if text not in found:
            found.append(text)
    return texts
