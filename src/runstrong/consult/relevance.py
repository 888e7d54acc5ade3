"""Which rules are decided by a partial snapshot, and which answers could still change them.

Each rule is evaluated three-valued over a `Partial`: a condition on a pending slot is *open*
(None), a condition on an answered slot is true or false exactly as the engine would see it
(the compiled predicates of `runstrong.rules.compiler.compare_predicate`; an `unknown` answer is a
missing field). A rule is *decided* when it certainly fires or certainly cannot fire whatever
the remaining answers are; a rule whose advice quotes a matched item (`@alias.field`) stays open
while another match could still add to it. The answers an open rule still needs are the
pending slots of its open conditions, in the branches that can still hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runstrong.consult.assessment import Assessment
from runstrong.consult.threevalued import RuleState
from runstrong.rules.compiler import JoinTest, branches, compare_predicate, normal_form
from runstrong.rules.conditions import Compare, Join
from runstrong.rules.model import ALIAS, ITEM, Rule, RuleSet, parse_placeholder, template_placeholders
from runstrong.snapshot.partial import Partial


class Relevance:
    """Three-valued evaluation of a rule set over partial snapshots."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.branches = {rule.id: branches(normal_form(rule.when)) for rule in ruleset.rules}
        self.param_refs = {rule.id: _param_refs(rule) for rule in ruleset.rules}
        self.concluders: dict[str, list[Rule]] = {}
        for rule in ruleset.rules:
            for name in rule.conclusions:
                self.concluders.setdefault(name, []).append(rule)
        self._predicates: dict[Compare, Callable[[Any], bool]] = {}
        self._joins: dict[tuple[Join, tuple[str, ...]], JoinTest] = {}

    def predicate(self, compare: Compare) -> Callable[[Any], bool]:
        if compare not in self._predicates:
            self._predicates[compare] = compare_predicate(self.ruleset, compare)
        return self._predicates[compare]

    def join_test(self, join: Join, aliases: tuple[str, ...]) -> JoinTest:
        key = (join, aliases)
        if key not in self._joins:
            self._joins[key] = JoinTest(self.ruleset, join, aliases)
        return self._joins[key]

    def assess(self, partial: Partial) -> dict[str, RuleState]:
        """Every rule's state over the partial snapshot."""
        return Assessment(self, partial).run()


def _param_refs(rule: Rule) -> tuple[tuple[str, str], ...]:
    """The item fields a rule's advice quotes: `@alias.field` params, and the `{alias.field}` or
    `{list.path.field}` placeholders of its `because` (a list path stands for the one item the
    rule matches on that list)."""
    refs = []
    for action in rule.then:
        for _name, value in action.params:
            if isinstance(value, str) and value.startswith("@"):
                alias, _, name = value[1:].partition(".")
                refs.append((alias, name))
    for text in template_placeholders(rule.because):
        placeholder = parse_placeholder(text, rule.aliases)
        if placeholder is not None and placeholder.kind in (ALIAS, ITEM):
            refs.append((placeholder.name, placeholder.field))
    return tuple(dict.fromkeys(refs))
