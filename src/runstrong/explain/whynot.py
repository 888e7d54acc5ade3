"""Why a rule did or did not fire: every condition of the rule, three-valued, no short-circuit.

The rule's condition tree (with `not` pushed into the leaves, as the compiler does) is evaluated
on the same facts the engine sees (the evaluation's athlete fact, `facts.item_values`), with the
compiled predicates, Kleene logic for all/any/at_least, and item conditions bound to concrete
items the way the engine binds them (two item conditions on one list in one branch take two
different items; joins are tested on the bound items). The binding that comes closest to firing
is the one reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

from runstrong.engine.records import Evaluation
from runstrong.explain.outcome import (
    FALSE,
    TRUE,
    UNKNOWN,
    all_of,
    any_of,
    at_least,
    compare_outcome,
    item_outcome,
    join_outcome,
    leaf_text,
    rank,
)
from runstrong.rules.compiler import normal_form
from runstrong.rules.conditions import AllOf, AnyOf, AtLeast, Compare, Concluded, Condition, ItemMatch, Join
from runstrong.rules.model import Rule, RuleSet
from runstrong.snapshot.facts import UNKNOWN_KEY, item_values

Path = tuple[int, ...]
_MAX_BINDINGS = 4096


@dataclass(frozen=True)
class _Slot:
    """A positive item condition: it binds one item."""

    path: Path
    leaf: ItemMatch
    name: str


class Facts:
    """The facts of one evaluated snapshot, as the engine saw them, plus its conclusions."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.athlete = dict(evaluation.athlete)  # as the engine saw it (fields that do not apply left out)
        self.items: dict[str, list[dict[str, Any]]] = {}
        for item in item_values(evaluation.snapshot):
            self.items.setdefault(item["list"], []).append(item)
        self.concluded_by: dict[str, list[str]] = {}
        for firing in evaluation.firings:
            for name in firing.rule.conclusions:
                by = self.concluded_by.setdefault(name, [])
                if firing.rule.id not in by:
                    by.append(firing.rule.id)
        for by in self.concluded_by.values():
            by.sort()
        self.fired = set(evaluation.fired_rule_ids)

    def list_known(self, list_path: str) -> bool:
        return list_path not in self.athlete[UNKNOWN_KEY]


def _slots(node: Condition, path: Path = ()) -> list[_Slot]:
    if isinstance(node, (AllOf, AnyOf, AtLeast)):
        return [slot for i, item in enumerate(node.items) for slot in _slots(item, (*path, i))]
    if isinstance(node, ItemMatch) and not node.negated:
        return [_Slot(path, node, node.alias or f"item@{'.'.join(map(str, path))}")]
    return []


def _node_at(root: Condition, path: Path) -> Condition:
    node = root
    for index in path:
        assert isinstance(node, (AllOf, AnyOf, AtLeast))
        node = node.items[index]
    return node


def _co_occur(root: Condition, first: Path, second: Path) -> bool:
    """Whether two leaves can be in the same disjunctive branch (so must bind different items)."""
    common = 0
    while common < min(len(first), len(second)) and first[common] == second[common]:
        common += 1
    ancestor = _node_at(root, first[:common])
    return isinstance(ancestor, AllOf) or (isinstance(ancestor, AtLeast) and ancestor.count >= 2)


def _distinct(first: dict[str, Any] | None, second: dict[str, Any] | None) -> bool:
    return first is None or second is None or first["index"] != second["index"]


class _Evaluator:
    """Evaluates one rule's tree on one snapshot's facts under item bindings."""

    def __init__(self, ruleset: RuleSet, facts: Facts, root: Condition) -> None:
        self.ruleset, self.facts, self.root = ruleset, facts, root
        self.slots = {slot.path: slot for slot in _slots(root)}
        self._items_cache: dict[Path, list[dict[str, Any]]] = {}

    def item_outcomes(self, path: Path, leaf: ItemMatch) -> list[dict[str, Any]]:
        if path not in self._items_cache:
            self._items_cache[path] = [
                item_outcome(self.ruleset, leaf, item) for item in self.facts.items.get(leaf.list, [])
            ]
        return self._items_cache[path]

    def bindings(self) -> list[dict[Path, dict[str, Any] | None]]:
        slots = list(self.slots.values())
        if not slots:
            return [{}]
        choices: list[list[dict[str, Any] | None]] = []
        for slot in slots:
            items: list[dict[str, Any] | None] = list(self.facts.items.get(slot.leaf.list, []))
            choices.append([*items, None])
        total = 1
        for options in choices:
            total *= len(options)
        if total > _MAX_BINDINGS:
            choices = [
                [
                    item
                    for item, outcome in zip(options, self.item_outcomes(slot.path, slot.leaf), strict=False)
                    if outcome["result"] != FALSE
                ]
                + [None]
                for slot, options in zip(slots, choices, strict=False)
            ]
        pairs = [
            (a, b)
            for i, a in enumerate(slots)
            for b in slots[i + 1 :]
            if a.leaf.list == b.leaf.list and _co_occur(self.root, a.path, b.path)
        ]
        found = []
        for combo in product(*choices):
            binding = {slot.path: item for slot, item in zip(slots, combo, strict=False)}
            if all(_distinct(binding[a.path], binding[b.path]) for a, b in pairs):
                found.append(binding)
        return found

    def evaluate(self, node: Condition, path: Path, binding: dict[Path, dict[str, Any] | None]) -> dict[str, Any]:
        if isinstance(node, (AllOf, AnyOf, AtLeast)):
            children = [self.evaluate(item, (*path, i), binding) for i, item in enumerate(node.items)]
            results = [child["result"] for child in children]
            if isinstance(node, AllOf):
                return {"kind": "all", "text": "all of", "result": all_of(results), "children": children}
            if isinstance(node, AnyOf):
                return {"kind": "any", "text": "any of", "result": any_of(results), "children": children}
            return {
                "kind": "at_least",
                "text": f"at least {node.count} of",
                "count": node.count,
                "result": at_least(node.count, results),
                "children": children,
            }
        if isinstance(node, Compare):
            return compare_outcome(self.ruleset, node, self.facts.athlete)
        if isinstance(node, ItemMatch):
            return self.item_match(node, path, binding)
        if isinstance(node, Join):
            aliases = {slot.leaf.alias: binding.get(slot.path) for slot in self.slots.values() if slot.leaf.alias}
            return join_outcome(self.ruleset, node, aliases)
        assert isinstance(node, Concluded)
        by = self.facts.concluded_by.get(node.name, [])
        result = (FALSE if by else TRUE) if node.negated else (TRUE if by else FALSE)
        outcome = {
            "kind": "concluded",
            "text": leaf_text(node),
            "name": node.name,
            "concluded_by": by,
            "result": result,
        }
        if not by:
            concluders = [rule.id for rule in self.ruleset.rules if node.name in rule.conclusions]
            outcome["note"] = f"no rule concluded it (it can come from: {', '.join(concluders) or 'no rule'})"
        return outcome

    def item_match(self, leaf: ItemMatch, path: Path, binding: dict[Path, dict[str, Any] | None]) -> dict[str, Any]:
        outcome: dict[str, Any] = {
            "kind": "no_item" if leaf.negated else "item",
            "text": leaf_text(leaf),
            "list": leaf.list,
        }
        if not self.facts.list_known(leaf.list):
            outcome.update(result=UNKNOWN, items=[], note=f"{leaf.list} is unknown")
            return outcome
        items = self.item_outcomes(path, leaf)
        outcome["items"] = items
        if leaf.negated:
            matching = [i["item"] for i in items if i["result"] == TRUE]
            unclear = [i["item"] for i in items if i["result"] == UNKNOWN]
            outcome["result"] = FALSE if matching else TRUE
            if matching:
                outcome["note"] = f"matching: {', '.join(matching)}"
            elif unclear:
                outcome["note"] = (
                    f"{', '.join(unclear)} could not be checked (a field is unknown); "
                    "the engine counts them as not matching"
                )
            return outcome
        bound = binding.get(path)
        if bound is None:
            outcome["result"] = FALSE
            outcome["note"] = "no item matches" if not items else "no other item left to match"
            return outcome
        outcome["bound"] = f"{bound['list']}[{bound['index']}]"
        outcome["result"] = next(i["result"] for i in items if i["index"] == bound["index"])
        return outcome


def _leaf_count(outcome: dict[str, Any], result: str) -> int:
    if "children" in outcome:
        return sum(_leaf_count(child, result) for child in outcome["children"])
    return 1 if outcome["result"] == result else 0


def blocking(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """The leaf conditions that keep a not-true node from holding (none when it holds)."""
    if outcome["result"] == TRUE:
        return []
    if "children" in outcome:
        return [leaf for child in outcome["children"] for leaf in blocking(child)]
    return [outcome]


def why_not(ruleset: RuleSet, evaluation: Evaluation, rule: Rule, facts: Facts | None = None) -> dict[str, Any]:
    """Every condition of `rule` on the evaluated snapshot, and whether the engine fired it."""
    facts = facts or Facts(evaluation)
    root = normal_form(rule.when)
    evaluator = _Evaluator(ruleset, facts, root)
    best: tuple[tuple[int, int, int], dict[str, Any], dict[Path, Any]] | None = None
    for binding in evaluator.bindings():
        tree = evaluator.evaluate(root, (), binding)
        score = (rank(tree["result"]), _leaf_count(tree, TRUE), _leaf_count(tree, UNKNOWN))
        if best is None or score > best[0]:
            best = (score, tree, binding)
    assert best is not None
    _, tree, binding = best
    return {
        "rule": rule.id,
        "title": rule.title,
        "grade": rule.grade,
        "adjustments": list(rule.adjustments),
        "conclusions": list(rule.conclusions),
        "fired": rule.id in facts.fired,
        "result": tree["result"],
        "conditions": tree["children"],
        "binding": {
            evaluator.slots[path].name: f"{item['list']}[{item['index']}]"
            for path, item in binding.items()
            if item is not None
        },
        "blocking": blocking(tree),
    }
