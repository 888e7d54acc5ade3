"""The rule set as loaded: rules, their actions and examples, and the leaves of a condition."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from runstrong.rules.conditions import (
    AllOf,
    AnyOf,
    AtLeast,
    Compare,
    Condition,
    ItemMatch,
    Leaf,
    Not,
)
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.snapshot.applies import AppliesTo
from runstrong.snapshot.fields import SCALAR_ITEM_FIELD, catalogue
from runstrong.snapshot.validation import snapshot_schema


@dataclass(frozen=True)
class Action:
    """One thing a rule does: give an adjustment (with params) or assert a conclusion."""

    adjustment: str | None = None
    conclude: str | None = None
    params: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Example:
    name: str
    snapshot: dict[str, Any]
    fires: bool


@dataclass(frozen=True)
class Rule:
    """One rule, parsed from its file."""

    id: str
    name: str
    title: str
    salience: int
    grade: str
    when: AllOf
    then: tuple[Action, ...]
    rationale: str
    evidence: tuple[str, ...]
    examples: tuple[Example, ...]
    file: Path
    because: str = ""
    #: Who the rule can apply to; its conditions are already part of `when` (`gate_conditions`).
    applies_to: AppliesTo | None = None

    @property
    def aliases(self) -> dict[str, str]:
        """The names bound with `item: ... as: name` (top-level only), each with its list."""
        return {
            item.alias: item.list
            for item in self.when.items
            if isinstance(item, ItemMatch) and item.alias and not item.negated
        }

    @property
    def adjustments(self) -> tuple[str, ...]:
        return tuple(a.adjustment for a in self.then if a.adjustment)

    @property
    def conclusions(self) -> tuple[str, ...]:
        return tuple(a.conclude for a in self.then if a.conclude)


@dataclass(frozen=True)
class RuleSet:
    """A checked rule set with the knowledge base it stands on."""

    version: str
    rules: tuple[Rule, ...]
    knowledge: KnowledgeBase
    digest: str
    rules_dir: Path

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @cached_property
    def conclusions(self) -> frozenset[str]:
        """Every conclusion some rule of the set gives."""
        return frozenset(name for rule in self.rules for name in rule.conclusions)

    def threshold_value(self, name: str) -> Any:
        return self.knowledge.thresholds[name].value


def leaves_with_polarity(condition: Condition, negated: bool = False) -> list[Any]:
    if isinstance(condition, (AllOf, AnyOf, AtLeast)):
        return [leaf for item in condition.items for leaf in leaves_with_polarity(item, negated)]
    if isinstance(condition, Not):
        return leaves_with_polarity(condition.item, not negated)
    return [condition.negate() if negated else condition]


def leaves(condition: Condition) -> list[Any]:
    """Every leaf condition, with `not` pushed into the leaves."""
    return leaves_with_polarity(condition)


# ---------------------------------------------------------------- `because` templates

#: `{...}` in a `because` template.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

_THRESHOLD_NAME = re.compile(r"^\$[a-z_][a-z0-9_]*$")
_DOTTED_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+$")

THRESHOLD, ALIAS, ITEM, ATHLETE = "threshold", "alias", "item", "athlete"


@dataclass(frozen=True)
class Placeholder:
    """What one `{...}` of a `because` template names.

    kind `threshold`: `{$name}`; `alias`: `{alias.field}`, a field of the item bound with `as`;
    `item`: `{list.path.field}`, a field of the one item a rule matches on that list;
    `athlete`: `{dotted.path}`, a snapshot or derived value. `name` is the threshold, the alias,
    the list path or the athlete path; `field` the item field (alias and item kinds).
    """

    text: str
    kind: str
    name: str
    field: str = ""


def template_problems(template: str) -> list[str]:
    """What is wrong with a template's syntax (braces, `$` outside a placeholder, bad names)."""
    problems = []
    rest = PLACEHOLDER.sub("", template)
    if "{" in rest or "}" in rest:
        problems.append("an unmatched '{' or '}' (placeholders are {name}, without nesting)")
    if "$" in rest:
        problems.append("a '$' outside a placeholder: write {$name} for a threshold's value")
    for text in PLACEHOLDER.findall(template):
        if not (_THRESHOLD_NAME.match(text) or _DOTTED_NAME.match(text)):
            problems.append(
                f"'{{{text}}}' is not a placeholder: use {{alias.field}}, {{dotted.path}} or {{$threshold}}"
            )
    return problems


def template_placeholders(template: str) -> list[str]:
    """The well-formed placeholder names of a template, in order, each once."""
    names = [t for t in PLACEHOLDER.findall(template) if _THRESHOLD_NAME.match(t) or _DOTTED_NAME.match(t)]
    return list(dict.fromkeys(names))


def parse_placeholder(text: str, aliases: Mapping[str, str]) -> Placeholder | None:
    """What a placeholder name refers to, given the rule's aliases; None when it names nothing."""
    if _THRESHOLD_NAME.match(text):
        return Placeholder(text, THRESHOLD, text[1:])
    if not _DOTTED_NAME.match(text):
        return None
    head, _, tail = text.partition(".")
    if head in aliases:
        return Placeholder(text, ALIAS, head, tail)
    fields = catalogue()
    if text in fields.scalars:
        return Placeholder(text, ATHLETE, text)
    list_path, _, item_field = text.rpartition(".")
    if item_field in fields.lists.get(list_path, {}):
        return Placeholder(text, ITEM, list_path, item_field)
    return None


#: The inputs of derived item fields (see `snapshot.derive.derive_item`): known whenever it is.
DERIVED_ITEM_INPUTS = {("symptoms.tendon", "next_morning_above_baseline"): ("pain_next_morning", "pain_baseline")}


@cache
def required_item_fields(list_path: str) -> frozenset[str]:
    """The fields every item of a list has (the snapshot schema's `required`)."""
    if list_path in SCALAR_ITEM_FIELD:
        return frozenset({SCALAR_ITEM_FIELD[list_path]})
    node: Any = snapshot_schema()
    for part in list_path.split("."):
        node = node["properties"][part]
    return frozenset(node["items"].get("required", ()))


def known_item_fields(item: ItemMatch) -> set[str]:
    """The fields an item matched by `item` is sure to have."""
    known = set(required_item_fields(item.list))
    known |= {c.field for c in item.where if c.op != "is unknown"}
    for name in list(known):
        known |= set(DERIVED_ITEM_INPUTS.get((item.list, name), ()))
    return known


def known_athlete_fields(branch: tuple[Leaf, ...]) -> set[str]:
    """The athlete fields sure to be known when a branch holds: those it compares (a comparison on
    an unknown field never holds), the inputs of derived values among them, and matched lists."""
    known = {leaf.field for leaf in branch if isinstance(leaf, Compare) and leaf.op != "is unknown"}
    known |= {leaf.list for leaf in branch if isinstance(leaf, ItemMatch)}
    scalars = catalogue().scalars
    for name in list(known):
        spec = scalars.get(name)
        known |= set(spec.inputs) if spec else set()
    return known


def placeholder_problem(
    placeholder: Placeholder,
    aliases: Mapping[str, str],
    thresholds: Container[str],
    rule_branches: list[tuple[Leaf, ...]],
) -> str | None:
    """Why a placeholder of a rule's `because` cannot be filled whenever the rule fires (None when
    it can): an unknown threshold, no such item field, or a value not every branch makes known."""
    if placeholder.kind == THRESHOLD:
        return None if placeholder.name in thresholds else "names an unknown threshold"
    if placeholder.kind == ATHLETE:
        if all(placeholder.name in known_athlete_fields(branch) for branch in rule_branches):
            return None
        return "may be unknown when the rule fires: not every branch of `when` tests it"
    list_path = aliases[placeholder.name] if placeholder.kind == ALIAS else placeholder.name
    if placeholder.field not in catalogue().lists[list_path]:
        return f"names no field of the items of {list_path}"
    for branch in rule_branches:
        if placeholder.kind == ALIAS:
            matched = [leaf for leaf in branch if isinstance(leaf, ItemMatch) and leaf.alias == placeholder.name]
        else:
            matched = [leaf for leaf in branch if isinstance(leaf, ItemMatch) and leaf.list == list_path]
            matched = [leaf for leaf in matched if not leaf.negated]
            if len(matched) != 1:
                return (
                    f"needs the rule to match exactly one item of {list_path} (in every branch of `when`); "
                    "bind the item with `as:` and write {alias.field}"
                )
        if any(placeholder.field not in known_item_fields(leaf) for leaf in matched):
            return f"may be unknown when the rule fires: the item's `where` does not test '{placeholder.field}'"
    return None
