"""Compiling parsed rules to an experta engine class.

Each rule's condition is put in negation normal form and expanded into disjunctive branches;
each branch becomes one experta rule: one athlete pattern carrying every field constraint, one
pattern per item, NOT patterns for `no_item` and negated conclusions, TEST nodes for joins.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations, product
from typing import Any

from experta import AS, NOT, TEST, KnowledgeEngine, P
from experta import Rule as ExpertaRule

from runstrong.rules.conditions import (
    JOIN_FUNCTIONS,
    AllOf,
    AnyOf,
    AtLeast,
    Call,
    Compare,
    Concluded,
    Condition,
    FieldRef,
    ItemMatch,
    Join,
    Leaf,
    Not,
    ThresholdRef,
    compare_values,
    value_predicate,
)
from runstrong.rules.model import Rule, RuleSet
from runstrong.snapshot.facts import UNKNOWN_KEY, Athlete, Conclusion, Item


def normal_form(condition: Condition, negated: bool = False) -> Condition:
    """Push every `not` down to the leaves (De Morgan; `at_least` by counting the negations)."""
    if isinstance(condition, Not):
        return normal_form(condition.item, not negated)
    if isinstance(condition, (AllOf, AnyOf)):
        items = tuple(normal_form(item, negated) for item in condition.items)
        conjunction = isinstance(condition, AllOf) != negated
        return AllOf(items) if conjunction else AnyOf(items)
    if isinstance(condition, AtLeast):
        items = tuple(normal_form(item, negated) for item in condition.items)
        count = len(items) - condition.count + 1 if negated else condition.count
        return AtLeast(count, items)
    return condition.negate() if negated else condition


def branches(condition: Condition) -> list[tuple[Leaf, ...]]:
    """The disjunctive normal form of a condition already in negation normal form."""
    if isinstance(condition, AllOf):
        return [
            tuple(leaf for part in combo for leaf in part)
            for combo in product(*(branches(item) for item in condition.items))
        ]
    if isinstance(condition, AnyOf):
        return [branch for item in condition.items for branch in branches(item)]
    if isinstance(condition, AtLeast):
        return [branch for combo in combinations(condition.items, condition.count) for branch in branches(AllOf(combo))]
    if isinstance(condition, Not):
        raise ValueError("branches() needs a condition in negation normal form")
    return [(condition,)]


def resolve(ruleset: RuleSet, operand: Any) -> Any:
    """A value with threshold references replaced by their values."""
    if isinstance(operand, ThresholdRef):
        return ruleset.threshold_value(operand.name)
    if isinstance(operand, tuple):
        return tuple(resolve(ruleset, value) for value in operand)
    return operand


def _present(_value: Any) -> bool:
    """`is known`: any value passes (the field must be present)."""
    return True


def compare_predicate(ruleset: RuleSet, compare: Compare) -> Callable[[Any], bool]:
    """The test the compared value must pass (the field must be present). Equal tests are one
    object (`value_predicate`), which experta's network shares between the rules that make it."""
    if compare.op == "is known":
        return _present
    return value_predicate(compare.op, resolve(ruleset, compare.operand), compare.negated)


def field_constraints(ruleset: RuleSet, compares: list[Compare]) -> dict[str, Any]:
    by_field: dict[str, Any] = {}
    for compare in compares:
        if compare.op == "is unknown":  # the field is among the athlete fact's unknown ones
            field, check = UNKNOWN_KEY, P(value_predicate("has", compare.field))
        else:
            field, check = compare.field, P(compare_predicate(ruleset, compare))
        by_field[field] = by_field[field] & check if field in by_field else check
    return by_field


class JoinTest:
    """A TEST node's callable: evaluates a join on the item facts bound by alias."""

    def __init__(self, ruleset: RuleSet, join: Join, aliases: tuple[str, ...]) -> None:
        self.join = join
        self.left = self._side(ruleset, join.left)
        self.right = self._side(ruleset, join.right)
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY) for name in aliases]
        )

    @staticmethod
    def _side(ruleset: RuleSet, side: Any) -> Callable[[dict[str, Any]], Any]:
        if isinstance(side, FieldRef):
            return lambda facts: facts[side.alias].get(side.field)
        if isinstance(side, Call):
            function = JOIN_FUNCTIONS[side.function][1]
            args = [JoinTest._side(ruleset, arg) for arg in side.args]
            return lambda facts: function(*(arg(facts) for arg in args))
        value = resolve(ruleset, side)
        return lambda _facts: value

    def __call__(self, **facts: Any) -> bool:
        try:
            left, right = self.left(facts), self.right(facts)
        except (KeyError, TypeError, ValueError):
            return False
        if left is None or right is None:
            return False
        return compare_values(self.join.op, left, right, self.join.negated)


class DistinctItems:
    """A TEST node's callable: two item patterns on one list match different items."""

    def __init__(self, first: str, second: str) -> None:
        self.first, self.second = first, second
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY) for name in (first, second)]
        )

    def __call__(self, **facts: Any) -> bool:
        return bool(facts[self.first]["index"] != facts[self.second]["index"])


@dataclass(frozen=True)
class CompiledBranch:
    """One disjunctive branch of a rule, as experta sees it."""

    rule: Rule
    index: int
    leaves: tuple[Leaf, ...]
    item_names: tuple[str, ...]

    @cached_property
    def tested_fields(self) -> tuple[str, ...]:
        """The athlete fields this branch tests and the lists it requires to have no match, sorted."""
        fields = {leaf.field for leaf in self.leaves if isinstance(leaf, Compare)}
        fields |= {leaf.list for leaf in self.leaves if isinstance(leaf, ItemMatch) and leaf.negated}
        return tuple(sorted(fields))


def _item_pattern(ruleset: RuleSet, item: ItemMatch) -> Any:
    return Item(list=item.list, **field_constraints(ruleset, list(item.where)))


def item_patterns(
    ruleset: RuleSet, leaves: tuple[Leaf, ...], item_pattern: Callable[[ItemMatch], Any]
) -> tuple[list[Any], tuple[str, ...]]:
    """The patterns of a branch beyond the athlete's: items (bound by alias), `no_item` NOTs,
    conclusions, distinct-item and join TESTs; and the names the items are bound to."""
    patterns: list[Any] = []
    names: list[tuple[str, str]] = []
    for leaf in leaves:
        if isinstance(leaf, ItemMatch) and not leaf.negated:
            name = leaf.alias or f"item{len(names)}"
            patterns.append(getattr(AS, name) << item_pattern(leaf))
            names.append((name, leaf.list))
        elif isinstance(leaf, ItemMatch):
            patterns.append(NOT(item_pattern(leaf)))
        elif isinstance(leaf, Concluded):
            pattern = Conclusion(name=leaf.name)
            patterns.append(NOT(pattern) if leaf.negated else pattern)
    for (first, list1), (second, list2) in combinations(names, 2):
        if list1 == list2:
            patterns.append(TEST(DistinctItems(first, second)))
    aliases = tuple(name for name, _ in names)
    patterns += [TEST(JoinTest(ruleset, leaf, aliases)) for leaf in leaves if isinstance(leaf, Join)]
    return patterns, aliases


def compile_branch(
    ruleset: RuleSet, rule: Rule, index: int, leaves: tuple[Leaf, ...]
) -> tuple[list[Any], CompiledBranch]:
    """experta patterns for one branch, and what the branch binds."""
    athlete_compares = [leaf for leaf in leaves if isinstance(leaf, Compare)]
    athlete_compares += [
        Compare(leaf.list, "is known") for leaf in leaves if isinstance(leaf, ItemMatch) and leaf.negated
    ]
    patterns: list[Any] = [AS.athlete << Athlete(**field_constraints(ruleset, athlete_compares))]
    bound, aliases = item_patterns(ruleset, leaves, lambda item: _item_pattern(ruleset, item))
    return patterns + bound, CompiledBranch(rule, index, leaves, aliases)


Recorder = Callable[[KnowledgeEngine, CompiledBranch, dict[str, Any]], None]


def build_engine_class(
    ruleset: RuleSet, record: Recorder, base: type[KnowledgeEngine] = KnowledgeEngine
) -> type[KnowledgeEngine]:
    """An experta engine class with one experta rule per branch of every rule; its attribute
    `branches` names the branch behind each experta rule (by the rule's attribute name)."""
    namespace: dict[str, Any] = {}
    compiled: dict[str, CompiledBranch] = {}
    for rule in ruleset.rules:
        for index, leaves in enumerate(branches(normal_form(rule.when))):
            patterns, branch = compile_branch(ruleset, rule, index, leaves)

            def fire(engine: KnowledgeEngine, _branch: CompiledBranch = branch, **bound: Any) -> None:
                record(engine, _branch, bound)

            namespace[f"{rule.id}_{index}"] = ExpertaRule(*patterns, salience=rule.salience)(fire)
            compiled[f"{rule.id}_{index}"] = branch
    namespace["branches"] = compiled
    return type("RunstrongEngine", (base,), namespace)
