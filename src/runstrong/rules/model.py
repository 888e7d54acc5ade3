"""The rule set as loaded: rules, their actions and examples, and the leaves of a condition."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from runstrong.rules.conditions import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    ItemMatch,
    Not,
)
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.snapshot.fields import catalogue


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
