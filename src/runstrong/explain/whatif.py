"""What would change the advice: the smallest change to a snapshot's numbers that makes a rule
fire, and which unknown fields could change the advice if they were known.

Candidates come from the rule's compiled branches (disjunctive normal form) and the compiled
predicates: for each comparison that does not hold, the nearest value of the snapshot field
behind it (a derived value is moved through the snapshot field it is computed from, e.g.
`derived.week_change_pct` through `running.week_km`) that passes the predicate. Every candidate
is then applied to a copy of the snapshot, validated, and re-run through the engine; only the
ones after which the rule really fires are reported.
"""

from __future__ import annotations

from typing import Any

from runstrong.engine.evaluator import Evaluator, fields_used
from runstrong.engine.records import Evaluation
from runstrong.explain.advice_diff import advice_change
from runstrong.explain.changes import MAX_TRIES, apply_changes
from runstrong.explain.planner import MAX_CHAIN, Candidate, Planner, cost, plan_branch
from runstrong.explain.whynot import Facts
from runstrong.rules.compiler import branches, normal_form
from runstrong.rules.model import Rule
from runstrong.snapshot.facts import UNKNOWN_KEY
from runstrong.snapshot.validation import validation_problems


class WhatIf:
    """Counterfactuals for one evaluated snapshot, each verified with the engine."""

    def __init__(self, evaluator: Evaluator, evaluation: Evaluation) -> None:
        self.evaluator, self.evaluation = evaluator, evaluation
        self.ruleset = evaluator.ruleset
        self.facts = Facts(evaluation)
        self.planner = Planner(self.ruleset, evaluation.snapshot, self.facts)
        self._planned: dict[tuple[str, bool, int], list[Candidate]] = {}

    def _candidates(self, rule: Rule, unknown_mode: bool, depth: int = 0) -> list[Candidate]:
        """Planned (not yet verified) changes for each branch of a rule, cheapest first."""
        key = (rule.id, unknown_mode, depth)
        if key not in self._planned:

            def chain(name: str) -> Candidate | None:
                return self._concluding(name, unknown_mode, depth + 1)

            candidates = [
                c
                for leaves in branches(normal_form(rule.when))
                if (c := plan_branch(self.planner, leaves, unknown_mode, chain if depth < MAX_CHAIN else None))
                is not None
            ]
            unique: list[Candidate] = []
            for candidate in sorted(candidates, key=lambda c: c.cost):
                if all(candidate.changes != seen.changes for seen in unique):
                    unique.append(candidate)
            self._planned[key] = unique
        return self._planned[key]

    def _concluding(self, name: str, unknown_mode: bool, depth: int) -> Candidate | None:
        """The cheapest planned change that makes some rule concluding `name` fire."""
        options = [
            candidates[0]
            for rule in self.ruleset.rules
            if name in rule.conclusions
            if (candidates := self._candidates(rule, unknown_mode, depth))
        ]
        return min(options, key=cost) if options else None

    def _verified(self, rule: Rule, unknown_mode: bool) -> list[tuple[Candidate, Evaluation]]:
        """Verified candidates, cheapest first: the first one, or (in unknown mode) the first
        for each different set of fields changed."""
        unique = self._candidates(rule, unknown_mode)
        found: list[tuple[Candidate, Evaluation]] = []
        covered: set[frozenset[str]] = set()
        for candidate in unique[:MAX_TRIES]:
            paths = frozenset(change.path for change in candidate.changes)
            if paths in covered:
                continue
            changed = apply_changes(self.evaluation.snapshot, candidate.changes)
            if validation_problems(changed):
                continue
            after = self.evaluator.evaluate(changed)
            if rule.id in after.fired_rule_ids:
                found.append((candidate, after))
                covered.add(paths)
                if not unknown_mode:
                    break
        return found

    def for_rule(self, rule: Rule) -> dict[str, Any] | None:
        """The smallest verified change to known numbers that makes a rule fire (None if none)."""
        if rule.id in self.facts.fired:
            return None
        found = self._verified(rule, unknown_mode=False)
        if not found:
            return None
        candidate, after = found[0]
        return {
            "rule": rule.id,
            "title": rule.title,
            "adjustments": list(rule.adjustments),
            "changes": [c.as_dict() for c in candidate.changes],
            "verified": True,
            "advice": advice_change(self.ruleset, self.evaluation, after),
        }

    def all_rules(self) -> list[dict[str, Any]]:
        """Counterfactuals for every rule that did not fire, smallest first."""
        found = [cf for rule in self.ruleset.rules if (cf := self.for_rule(rule)) is not None]
        return sorted(found, key=lambda cf: (len(cf["changes"]), cf["rule"]))

    def rule_unknowns(self, rule: Rule) -> list[dict[str, Any]]:
        """Verified scenarios in which giving unknown fields a value makes a rule fire."""
        if rule.id in self.facts.fired:
            return []
        return [
            {
                "rule": rule.id,
                "title": rule.title,
                "adjustments": list(rule.adjustments),
                "changes": [c.as_dict() for c in candidate.changes],
                "advice": advice_change(self.ruleset, self.evaluation, after),
            }
            for candidate, after in self._verified(rule, unknown_mode=True)
        ]

    def unknowns(self) -> list[dict[str, Any]]:
        """For each unknown field a non-fired rule needs: could knowing it change the advice?"""
        missing = self.facts.athlete[UNKNOWN_KEY]
        scenarios = [s for rule in self.ruleset.rules for s in self.rule_unknowns(rule)]
        report = []
        needed: dict[str, list[str]] = {}
        for rule in self.ruleset.rules:
            if rule.id not in self.facts.fired:
                for leaf in fields_used(rule):
                    if leaf in missing:
                        needed.setdefault(leaf, []).append(rule.id)
        for name, rules in sorted(needed.items()):
            related = [s for s in scenarios if any(_touches(c, name) for c in s["changes"])]
            if not related:
                verdict = "no single scenario found"
            elif any(s["advice"]["changes_advice"] for s in related):
                verdict = "could change the advice"
            else:
                verdict = "rules could fire, advice would stay the same"
            report.append(
                {
                    "field": name,
                    "rules": rules,
                    "scenarios": related,
                    "verdict": verdict,
                    "could_change_advice": verdict == "could change the advice",
                }
            )
        return report


def _touches(change: dict[str, Any], name: str) -> bool:
    return change["path"] == name or change.get("via") == name or change["path"].startswith(f"{name}[")
