"""The fields a snapshot lacks that could still change its advice: read by a rule that did not fire,
in a branch of that rule that no known value has already ruled out (a woman's advice does not wait
for a men-only marker)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from runstrong.advice.resolve import STATUS_RANK
from runstrong.engine.evaluator import fields_read
from runstrong.engine.records import Evaluation
from runstrong.rules.compiler import branches, normal_form, resolve
from runstrong.rules.conditions import Compare, ItemMatch, Leaf, value_predicate
from runstrong.rules.model import Rule, RuleSet
from runstrong.snapshot.fields import catalogue, field_label
from runstrong.util.memo import PerObject

#: A branch of a rule's `when` (its disjunctive normal form): the fields it reads, and the tests on
#: athlete values that would rule it out (field, the test a known value must pass).
Branch = tuple[frozenset[str], tuple[tuple[str, Callable[[Any], bool] | None], ...]]
_BRANCHES: PerObject[list[Branch]] = PerObject()
_READS: PerObject[list[tuple[Rule, frozenset[str]]]] = PerObject()


def _compile(ruleset: RuleSet, leaves: tuple[Leaf, ...]) -> Branch:
    reads = {leaf.field for leaf in leaves if isinstance(leaf, Compare)}
    reads |= {leaf.list for leaf in leaves if isinstance(leaf, ItemMatch)}
    tests: list[tuple[str, Callable[[Any], bool] | None]] = []
    for leaf in leaves:
        if isinstance(leaf, Compare) and leaf.op != "is known":
            test = (
                None
                if leaf.op == "is unknown"
                else value_predicate(leaf.op, resolve(ruleset, leaf.operand), leaf.negated)
            )
            tests.append((leaf.field, test))
    return frozenset(reads), tuple(tests)


def _branches(ruleset: RuleSet, rule: Rule) -> list[Branch]:
    return _BRANCHES.get(rule, lambda: [_compile(ruleset, leaves) for leaves in branches(normal_form(rule.when))])


def _rules_reading(ruleset: RuleSet) -> list[tuple[Rule, frozenset[str]]]:
    """Each rule with the fields it reads."""
    return _READS.get(ruleset, lambda: [(rule, fields_read(rule)) for rule in ruleset.rules])


def _ruled_out(tests: tuple[tuple[str, Callable[[Any], bool] | None], ...], athlete: dict[str, Any]) -> bool:
    """Some test is on a known athlete value and fails (`is unknown` on a known value fails)."""
    for name, test in tests:
        if name not in athlete:
            continue
        if test is None:
            return True
        try:
            if not test(athlete[name]):
                return True
        except TypeError:  # a comparison the value cannot take: leave the branch open
            continue
    return False


def _open_fields(ruleset: RuleSet, rule: Rule, athlete: dict[str, Any], missing: frozenset[str]) -> set[str]:
    """The missing fields read in a branch of `rule` that no known value has ruled out."""
    found: set[str] = set()
    for reads, tests in _branches(ruleset, rule):
        wanted = reads & missing
        if wanted - found and not _ruled_out(tests, athlete):
            found |= wanted
    return found


def unknown_fields(ruleset: RuleSet, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Missing fields that rules which did not fire could still use, most important first."""
    missing = evaluation.missing
    scalars = catalogue().scalars
    fired = set(evaluation.fired_rule_ids)
    candidates = [
        rule for rule, reads in _rules_reading(ruleset) if rule.id not in fired and not reads.isdisjoint(missing)
    ]
    athlete = evaluation.athlete
    needed: dict[str, list[str]] = {}
    for rule in candidates:
        needs = _open_fields(ruleset, rule, athlete, missing)
        for name in sorted(needs):
            for field in scalars[name].inputs or (name,):
                if field in missing and rule.id not in needed.setdefault(field, []):
                    needed[field].append(rule.id)
    gives = {name: max(_rule_rank(ruleset, ruleset.rule(r)) for r in rules) for name, rules in needed.items()}

    def rank(entry: tuple[str, list[str]]) -> tuple[int, int, int, str]:
        name, rules = entry
        return (name != "symptoms.red_flags", -gives[name], -len(rules), name)

    return [
        {"field": name, "label": _label(name), "could_change": _change_word(gives[name]), "rules": rules}
        for name, rules in sorted(needed.items(), key=rank)
    ]


_RANKS: PerObject[int] = PerObject()
_label = cache(field_label)


def _rule_rank(ruleset: RuleSet, rule: Rule) -> int:
    """The most cautious status the rule's adjustments could give."""
    adjustments = ruleset.knowledge.adjustments
    return _RANKS.get(rule, lambda: max((STATUS_RANK[adjustments[a].status] for a in rule.adjustments), default=0))


def _change_word(rank: int) -> str:
    return "referral" if rank >= STATUS_RANK["red"] else ("caution" if rank >= STATUS_RANK["amber"] else "detail")
