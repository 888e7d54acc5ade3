"""The fields a snapshot lacks that could still change its advice: read by a rule that did not fire,
in a branch of that rule that no known value has already ruled out (a woman's advice does not wait
for a men-only marker). A field or rule that applies only to some sexes or ages (`applies_to`) is
listed as the sex or age it depends on while that is unknown: that is the question to ask first."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from runstrong.advice.resolve import STATUS_RANK
from runstrong.engine.evaluator import fields_read
from runstrong.engine.lean import ABSENT
from runstrong.engine.records import Evaluation
from runstrong.rules.compiler import branches, normal_form, resolve
from runstrong.rules.conditions import Compare, ItemMatch, Leaf, value_predicate
from runstrong.rules.model import RuleSet
from runstrong.snapshot.facts import item_values
from runstrong.snapshot.fields import catalogue, field_label
from runstrong.util.codegen import Source
from runstrong.util.memo import PerObject


def _item_could_match(ruleset: RuleSet, leaf: ItemMatch) -> Callable[[dict[str, Any]], bool]:
    """Whether an item could still match every `where` of an `item:` condition: each test holds
    on the item's value, or the value is not known yet."""
    tests = [
        (compare.field, value_predicate(compare.op, resolve(ruleset, compare.operand), compare.negated))
        for compare in leaf.where
        if compare.op not in ("is known", "is unknown")
    ]

    def could_match(item: dict[str, Any]) -> bool:
        for field, test in tests:
            value = item.get(field, ABSENT)
            if value is ABSENT:
                continue
            try:
                if not test(value):
                    return False
            except TypeError:
                continue
        return True

    return could_match


def _ruled_out_check(ruleset: RuleSet, leaves: tuple[Leaf, ...]) -> Callable[[dict[str, Any], Items], bool]:
    """Whether some test of a branch is on a known athlete value and fails (`is unknown` on a
    known value fails; an `item:` of a known list that no item could match fails; a comparison the
    value cannot take leaves the branch open), written out as one generated function
    (`ValueTest.code`); `items(list)` gives a list's item values, worked out only when needed."""
    source = Source({"ABSENT": ABSENT})
    source.add(0, "def ruled_out(athlete, items):")
    source.add(1, "get = athlete.get")
    for leaf in leaves:
        if isinstance(leaf, ItemMatch) and not leaf.negated:
            could = source.name(_item_could_match(ruleset, leaf), "could_match")
            source.add(1, f"count = get({leaf.list!r}, ABSENT)")
            source.add(1, f"if count == 0 or (count is not ABSENT and not any(map({could}, items({leaf.list!r})))):")
            source.add(2, "return True")
            continue
        if not isinstance(leaf, Compare) or leaf.op == "is known":
            continue
        source.add(1, f"value = get({leaf.field!r}, ABSENT)")
        source.add(1, "if value is not ABSENT:")
        if leaf.op == "is unknown":
            source.add(2, "return True")
            continue
        test = value_predicate(leaf.op, resolve(ruleset, leaf.operand), leaf.negated)
        source.add(2, "try:")
        source.add(3, f"if not ({test.code(source)}):")
        source.add(4, "return True")
        source.add(2, "except TypeError:")
        source.add(3, "pass")
    source.add(1, "return False")
    check: Callable[[dict[str, Any], Items], bool] = source.function("ruled_out", "<ruled out>")
    return check


#: A list's item values by its path (worked out once per evaluation, when a check needs them).
Items = Callable[[str], list[dict[str, Any]]]


#: A branch of a rule's `when` (its disjunctive normal form): the fields it reads, and whether
#: known athlete values rule it out.
Branch = tuple[frozenset[str], Callable[[dict[str, Any], Items], bool]]


def _branch(ruleset: RuleSet, leaves: tuple[Leaf, ...]) -> Branch:
    reads = {leaf.field for leaf in leaves if isinstance(leaf, Compare)}
    reads |= {leaf.list for leaf in leaves if isinstance(leaf, ItemMatch)}
    return frozenset(reads), _ruled_out_check(ruleset, leaves)


class _Index:
    """What `unknown_fields` needs of a rule set, worked out once: each rule's id, the fields it
    reads and its branches; the most cautious status each rule's adjustments could give; the
    fields each scalar is worked out from."""

    def __init__(self, ruleset: RuleSet) -> None:
        adjustments = ruleset.knowledge.adjustments
        self.rules = [
            (rule.id, fields_read(rule), [_branch(ruleset, leaves) for leaves in branches(normal_form(rule.when))])
            for rule in ruleset.rules
        ]
        self.rank = {
            rule.id: max((STATUS_RANK[adjustments[a].status] for a in rule.adjustments), default=0)
            for rule in ruleset.rules
        }
        self.inputs = {name: scalar.inputs or (name,) for name, scalar in catalogue().scalars.items()}
        self.gates = {rule.id: rule.applies_to.gates for rule in ruleset.rules if rule.applies_to}
        self.field_gates = {path: applies.gates for path, applies in ruleset.knowledge.field_applies.items()}


_INDEX: PerObject[_Index] = PerObject()


def _open_fields(branches: list[Branch], athlete: dict[str, Any], items: Items, missing: frozenset[str]) -> set[str]:
    """The missing fields read in a branch of a rule that no known value has ruled out."""
    found: set[str] = set()
    for reads, ruled_out in branches:
        wanted = reads & missing
        if wanted - found and not ruled_out(athlete, items):
            found |= wanted
    return found


def _items_of(evaluation: Evaluation) -> Items:
    """The snapshot's item values by list, worked out on first use."""
    by_list: dict[str, list[dict[str, Any]]] = {}

    def items(path: str) -> list[dict[str, Any]]:
        if not by_list:
            for item in item_values(evaluation.snapshot):
                by_list.setdefault(item["list"], []).append(item)
            by_list.setdefault("", [])
        return by_list.get(path, [])

    return items


def unknown_fields(ruleset: RuleSet, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Missing fields that rules which did not fire could still use, most important first."""
    missing = evaluation.missing
    index = _INDEX.get(ruleset, lambda: _Index(ruleset))
    inputs = index.inputs
    fired = set(evaluation.fired_rule_ids)
    athlete = evaluation.athlete
    items = _items_of(evaluation)
    needed: dict[str, list[str]] = {}
    for rule_id, reads, rule_branches in index.rules:
        if rule_id in fired or reads.isdisjoint(missing):
            continue
        found = _open_fields(rule_branches, athlete, items, missing)
        gates = [gate for gate in index.gates.get(rule_id, ()) if gate in missing]
        for name in sorted(gates if found and gates else found):
            for field in inputs[name]:
                if field not in missing:
                    continue
                for shown in [g for g in index.field_gates.get(field, ()) if g in missing] or [field]:
                    rules = needed.setdefault(shown, [])
                    if rule_id not in rules:
                        rules.append(rule_id)
    rank = index.rank
    gives = {name: max(rank[r] for r in rules) for name, rules in needed.items()}

    def order(entry: tuple[str, list[str]]) -> tuple[int, int, int, str]:
        name, rules = entry
        return (name != "symptoms.red_flags", -gives[name], -len(rules), name)

    return [
        {"field": name, "label": _label(name), "could_change": _change_word(gives[name]), "rules": rules}
        for name, rules in sorted(needed.items(), key=order)
    ]


_label = cache(field_label)


def _change_word(rank: int) -> str:
    return "referral" if rank >= STATUS_RANK["red"] else ("caution" if rank >= STATUS_RANK["amber"] else "detail")
