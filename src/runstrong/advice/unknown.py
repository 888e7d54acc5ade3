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
from runstrong.snapshot.fields import catalogue, field_label
from runstrong.util.codegen import Source
from runstrong.util.memo import PerObject


def _ruled_out_check(ruleset: RuleSet, leaves: tuple[Leaf, ...]) -> Callable[[dict[str, Any]], bool]:
    """Whether some test of a branch is on a known athlete value and fails (`is unknown` on a
    known value fails; an item of a known, empty list fails; a comparison the value cannot take
    leaves the branch open), written out as one generated function (`ValueTest.code`)."""
    source = Source({"ABSENT": ABSENT})
    source.add(0, "def ruled_out(athlete):")
    source.add(1, "get = athlete.get")
    for leaf in leaves:
        if isinstance(leaf, ItemMatch) and not leaf.negated:  # `item: X` on a known, empty list
            source.add(1, f"if get({leaf.list!r}, ABSENT) == 0:")
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
    check: Callable[[dict[str, Any]], bool] = source.function("ruled_out", "<ruled out>")
    return check


#: A branch of a rule's `when` (its disjunctive normal form): the fields it reads, and whether
#: known athlete values rule it out.
Branch = tuple[frozenset[str], Callable[[dict[str, Any]], bool]]


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


def _open_fields(branches: list[Branch], athlete: dict[str, Any], missing: frozenset[str]) -> set[str]:
    """The missing fields read in a branch of a rule that no known value has ruled out."""
    found: set[str] = set()
    for reads, ruled_out in branches:
        wanted = reads & missing
        if wanted - found and not ruled_out(athlete):
            found |= wanted
    return found


def unknown_fields(ruleset: RuleSet, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Missing fields that rules which did not fire could still use, most important first."""
    missing = evaluation.missing
    index = _INDEX.get(ruleset, lambda: _Index(ruleset))
    inputs = index.inputs
    fired = set(evaluation.fired_rule_ids)
    athlete = evaluation.athlete
    needed: dict[str, list[str]] = {}
    for rule_id, reads, rule_branches in index.rules:
        if rule_id in fired or reads.isdisjoint(missing):
            continue
        found = _open_fields(rule_branches, athlete, missing)
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
