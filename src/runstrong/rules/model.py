"""The rule set as loaded: rules, their actions and examples, and the leaves of a condition."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from runstrong.rules.conditions import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Not,
)
from runstrong.rules.knowledge import KnowledgeBase


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
