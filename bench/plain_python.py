"""The lower bound: the same rule conditions evaluated directly in Python, no rule engine.

Rules are taken in salience order (higher first); a rule fires when any branch of its
condition's disjunctive normal form holds on the snapshot's values and items. Passes repeat until
no new conclusion appears. No trace is kept beyond the fired rule ids and adjustments.
"""

from __future__ import annotations

from typing import Any

from runstrong.rules.compiler import JoinTest, branches, compare_predicate, normal_form
from runstrong.rules.conditions import Compare, Concluded, ItemMatch, Join
from runstrong.rules.model import Rule, RuleSet
from runstrong.snapshot.facts import UNKNOWN_KEY, athlete_values, item_values


class _Branch:
    def __init__(self, ruleset: RuleSet, leaves: tuple[Any, ...]) -> None:
        self.compares = [
            (leaf.field, leaf.op, self._test(ruleset, leaf)) for leaf in leaves if isinstance(leaf, Compare)
        ]
        self.concluded = [(leaf.name, leaf.negated) for leaf in leaves if isinstance(leaf, Concluded)]
        self.absent = [
            (leaf.list, self._where(ruleset, leaf)) for leaf in leaves if isinstance(leaf, ItemMatch) and leaf.negated
        ]
        self.present = []
        for leaf in leaves:
            if isinstance(leaf, ItemMatch) and not leaf.negated:
                self.present.append((leaf.alias or f"item{len(self.present)}", leaf.list, self._where(ruleset, leaf)))
        aliases = tuple(name for name, _, _ in self.present)
        self.joins = [JoinTest(ruleset, leaf, aliases) for leaf in leaves if isinstance(leaf, Join)]

    @staticmethod
    def _test(ruleset: RuleSet, compare: Compare) -> Any:
        return None if compare.op in ("is known", "is unknown") else compare_predicate(ruleset, compare)

    def _where(self, ruleset: RuleSet, item: ItemMatch) -> list[tuple[str, str, Any]]:
        return [(c.field, c.op, self._test(ruleset, c)) for c in item.where]

    @staticmethod
    def _holds(values: dict[str, Any], unknown: frozenset[str], checks: list[tuple[str, str, Any]]) -> bool:
        for name, op, test in checks:
            if op == "is unknown":
                if name not in unknown:
                    return False
            elif name not in values or (test is not None and not test(values[name])):
                return False
        return True

    def holds(self, values: dict[str, Any], items: dict[str, list[dict[str, Any]]], concluded: set[str]) -> bool:
        if not self._holds(values, values[UNKNOWN_KEY], self.compares):
            return False
        if any((name in concluded) == negated for name, negated in self.concluded):
            return False
        for list_path, where in self.absent:
            if list_path not in values or any(self._holds(i, i[UNKNOWN_KEY], where) for i in items.get(list_path, ())):
                return False
        return self._bind(0, {}, items)

    def _bind(self, index: int, bound: dict[str, dict[str, Any]], items: dict[str, list[dict[str, Any]]]) -> bool:
        if index == len(self.present):
            return all(join(**bound) for join in self.joins)
        name, list_path, where = self.present[index]
        taken = {id(item) for item in bound.values()}
        for item in items.get(list_path, ()):
            if (
                id(item) not in taken
                and self._holds(item, item[UNKNOWN_KEY], where)
                and self._bind(index + 1, {**bound, name: item}, items)
            ):
                return True
        return False


class PlainEvaluator:
    """Fired rules and adjustments for a snapshot, computed in plain Python."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.rules: list[tuple[Rule, list[_Branch]]] = [
            (rule, [_Branch(ruleset, leaves) for leaves in branches(normal_form(rule.when))])
            for rule in sorted(ruleset.rules, key=lambda r: -r.salience)
        ]

    def evaluate(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        values = athlete_values(snapshot)
        items: dict[str, list[dict[str, Any]]] = {}
        for item in item_values(snapshot):
            items.setdefault(item["list"], []).append(item)
        fired: dict[str, Rule] = {}
        concluded: set[str] = set()
        changed = True
        while changed:
            changed = False
            for rule, rule_branches in self.rules:
                if rule.id not in fired and any(b.holds(values, items, concluded) for b in rule_branches):
                    fired[rule.id] = rule
                    new = set(rule.conclusions) - concluded
                    concluded |= new
                    changed = changed or bool(new)
        adjustments = sorted({a for rule in fired.values() for a in rule.adjustments})
        return {"athlete_id": snapshot["athlete_id"], "rules": sorted(fired), "adjustments": adjustments}
