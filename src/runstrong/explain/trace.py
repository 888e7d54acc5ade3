"""How the advice came about: a trace built from the engine's own record of each firing.

For every recommendation: the rules that gave it; for every firing of those rules, each
condition of the branch that matched with the value the engine matched (from `Firing`), the
threshold it was compared with and the result; the conclusions it chained through (with their
own firings); evidence keys and grades; and for held-back adjustments, what overrode them.
"""

from __future__ import annotations

import json
from typing import Any

from runstrong.advice.because import value_words
from runstrong.advice.result import build_result
from runstrong.engine.evaluator import Evaluator
from runstrong.engine.records import Evaluation, Firing
from runstrong.explain.outcome import TRUE, all_of, compare_outcome, item_outcome, join_outcome, leaf_text, plain
from runstrong.explain.whatif import WhatIf
from runstrong.explain.whynot import Facts, why_not
from runstrong.rules.conditions import Compare, Concluded, ItemMatch, Join
from runstrong.rules.model import Rule, RuleSet
from runstrong.snapshot.facts import UNKNOWN_KEY


def evidence_list(ruleset: RuleSet, keys: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    """Evidence keys with their grade, citation, short label and finding."""
    evidence = ruleset.knowledge.evidence
    return [
        {
            "key": key,
            "grade": evidence[key].grade,
            "citation": evidence[key].citation,
            "label": evidence[key].label,
            "finding": " ".join(evidence[key].finding.split()),
        }
        for key in keys
    ]


def reported_red_flags(ruleset: RuleSet, evaluation: Evaluation) -> list[dict[str, str]] | None:
    """The red flags the snapshot reports, each with its label (None: the checklist was not
    answered), leaving out a flag whose `applies_to` the athlete's known sex or age rules out."""
    flags = evaluation.snapshot.get("symptoms", {}).get("red_flags")
    if flags is None:
        return None
    knowledge = ruleset.knowledge

    def applies(flag: str) -> bool:
        applies_to = knowledge.red_flags[flag].applies_to if flag in knowledge.red_flags else None
        return applies_to is None or not applies_to.excludes(evaluation.athlete)

    return [{"flag": flag, "label": value_words(knowledge, "red_flags", flag)} for flag in flags if applies(flag)]


def rule_summary(ruleset: RuleSet, rule: Rule) -> dict[str, Any]:
    """What a reader needs to know about a rule besides its conditions."""
    return {
        "rule": rule.id,
        "title": rule.title,
        "grade": rule.grade,
        "salience": rule.salience,
        "adjustments": list(rule.adjustments),
        "conclusions": list(rule.conclusions),
        "rationale": " ".join(rule.rationale.split()),
        "evidence": evidence_list(ruleset, rule.evidence),
        "file": rule.file.name,
    }


class TraceBuilder:
    """Builds the traces of one evaluation's firings."""

    def __init__(self, ruleset: RuleSet, evaluation: Evaluation) -> None:
        self.ruleset, self.evaluation = ruleset, evaluation
        self.facts = Facts(evaluation)

    def condition(self, firing: Firing, leaf: Any, item_name: str | None, depth: int) -> dict[str, Any]:
        """One leaf of the branch that matched, on the facts the engine bound to it."""
        if isinstance(leaf, Compare):
            athlete = dict(firing.athlete)
            if leaf.op == "is unknown":
                athlete[UNKNOWN_KEY] = self.facts.athlete[UNKNOWN_KEY]
            return compare_outcome(self.ruleset, leaf, athlete)
        if isinstance(leaf, ItemMatch) and not leaf.negated:
            assert item_name is not None
            item = firing.items[item_name]
            matched = item_outcome(self.ruleset, leaf, item)
            return {
                "kind": "item",
                "text": leaf_text(leaf),
                "list": leaf.list,
                "bound": matched["item"],
                "items": [matched],
                "result": matched["result"],
            }
        if isinstance(leaf, ItemMatch):
            items = [item_outcome(self.ruleset, leaf, item) for item in self.facts.items.get(leaf.list, [])]
            return {
                "kind": "no_item",
                "text": leaf_text(leaf),
                "list": leaf.list,
                "value": plain(firing.athlete.get(leaf.list)),
                "items": items,
                "result": TRUE if all(i["result"] != TRUE for i in items) else "false",
            }
        if isinstance(leaf, Join):
            return join_outcome(self.ruleset, leaf, dict(firing.items))
        assert isinstance(leaf, Concluded)
        by = self.facts.concluded_by.get(leaf.name, [])
        outcome: dict[str, Any] = {"kind": "concluded", "text": leaf_text(leaf), "name": leaf.name, "concluded_by": by}
        if leaf.negated:
            outcome["result"] = "false" if by else TRUE
        else:
            outcome["result"] = TRUE if by else "false"
            if depth < 4:
                outcome["chain"] = [self.rule_trace(self.ruleset.rule(rule_id), depth + 1) for rule_id in by]
        return outcome

    def firing_trace(self, firing: Firing, depth: int = 0) -> dict[str, Any]:
        """Each condition of the matched branch with the value seen and the result."""
        names = iter(firing.branch.item_names)
        conditions = [
            self.condition(
                firing, leaf, next(names) if isinstance(leaf, ItemMatch) and not leaf.negated else None, depth
            )
            for leaf in firing.branch.leaves
        ]
        return {
            "branch": firing.branch.index,
            "conditions": conditions,
            "holds": all_of([c["result"] for c in conditions]) == TRUE,
        }

    def rule_trace(self, rule: Rule, depth: int = 0) -> dict[str, Any]:
        """A fired rule with every firing's conditions."""
        firings = [f for f in self.evaluation.firings if f.rule.id == rule.id]
        traces: list[dict[str, Any]] = []
        for firing in firings:
            trace = self.firing_trace(firing, depth)
            if trace not in traces:
                traces.append(trace)
        # experta orders activations of equal salience differently from run to run
        traces.sort(key=lambda t: json.dumps(t, sort_keys=True, default=str))
        return {**rule_summary(self.ruleset, rule), "fired": bool(firings), "firings": traces}


def _header(result: dict[str, Any], mode: str) -> dict[str, Any]:
    return {
        "mode": mode,
        "athlete_id": result["athlete_id"],
        "date": result["date"],
        "status": result["status"],
        "ruleset": result["ruleset"],
    }


def explain(evaluator: Evaluator, evaluation: Evaluation) -> dict[str, Any]:
    """The whole explanation of one evaluation: the trace of how the advice came about, and
    what would change it (verified counterfactuals, unknown fields that matter)."""
    whatif = WhatIf(evaluator, evaluation)
    changes = whatif.all_rules()
    named = {a for w in changes for key in ("added", "removed", "params") for a in w["advice"][key]}
    catalogue = evaluator.ruleset.knowledge.adjustments
    return {
        **trace(evaluator.ruleset, evaluation),
        "mode": "advice",
        "what_would_change": changes,
        "adjustment_titles": {a: catalogue[a].title for a in sorted(named) if a in catalogue},
        "unknown": whatif.unknowns(),
    }


def explain_rule(evaluator: Evaluator, evaluation: Evaluation, rule: Rule) -> dict[str, Any]:
    """Why one rule fired (its trace) or did not (every condition, and what would change it)."""
    ruleset = evaluator.ruleset
    whatif = WhatIf(evaluator, evaluation)
    fired = rule.id in evaluation.fired_rule_ids
    doc = {
        **_header(build_result(ruleset, evaluation), "rule"),
        "rule": rule_summary(ruleset, rule),
        "fired": fired,
        "why": why_not(ruleset, evaluation, rule, whatif.facts),
    }
    if fired:
        doc["trace"] = TraceBuilder(ruleset, evaluation).rule_trace(rule)
    else:
        doc["what_would_change"] = whatif.for_rule(rule)
        doc["if_known"] = whatif.rule_unknowns(rule)
    return doc


def explain_adjustment(evaluator: Evaluator, evaluation: Evaluation, adjustment_id: str) -> dict[str, Any]:
    """Why an adjustment is in the advice, held back, or absent: each rule that could give it,
    and what stopped it (a failed or unknown condition, or an overriding adjustment)."""
    ruleset = evaluator.ruleset
    result = build_result(ruleset, evaluation)
    adjustment = ruleset.knowledge.adjustments[adjustment_id]
    given = next((r for r in result["recommendations"] if r["adjustment"] == adjustment_id), None)
    held = next((r for r in result["suppressed"] if r["adjustment"] == adjustment_id), None)
    state = "given" if given else "held back" if held else "not given"
    whatif = WhatIf(evaluator, evaluation)
    builder = TraceBuilder(ruleset, evaluation)
    rules = []
    for rule in ruleset.rules:
        if adjustment_id not in rule.adjustments:
            continue
        verdict = why_not(ruleset, evaluation, rule, whatif.facts)
        entry: dict[str, Any] = {**rule_summary(ruleset, rule), "fired": verdict["fired"], "result": verdict["result"]}
        if verdict["fired"]:
            entry["firings"] = builder.rule_trace(rule)["firings"]
        else:
            entry["blocking"] = verdict["blocking"]
            entry["what_would_change"] = whatif.for_rule(rule)
            entry["if_known"] = whatif.rule_unknowns(rule)
        rules.append(entry)
    overridden_by = [
        entry for entry in trace(ruleset, evaluation)["suppressed"] if entry["adjustment"] == adjustment_id
    ]
    return {
        **_header(result, "adjustment"),
        "adjustment": {
            "id": adjustment.id,
            "title": adjustment.title,
            "direction": adjustment.direction,
            "overrides": list(adjustment.overrides),
        },
        "state": state,
        "params": given["params"] if given else {},
        "suppressed_by": held["suppressed_by"] if held else [],
        "overridden_by": overridden_by[0]["overridden_by"] if overridden_by else [],
        "rules": rules,
    }


def trace(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Any]:
    """How the advice came about: recommendations with their rule traces, held-back
    adjustments, conclusions and the fired rules' traces, from the engine's firings."""
    result = build_result(ruleset, evaluation)
    builder = TraceBuilder(ruleset, evaluation)
    fired = {rule_id: builder.rule_trace(ruleset.rule(rule_id)) for rule_id in evaluation.fired_rule_ids}
    recommendations = [
        {
            key: rec[key]
            for key in ("adjustment", "title", "direction", "do", "because", "group", "params", "practice", "exercises")
        }
        | {
            "rules": [r["id"] for r in rec["rules"]],
            "evidence": evidence_list(ruleset, [e["key"] for e in rec["evidence"]]),
        }
        for rec in result["recommendations"]
    ]
    giving = {rule_id: ruleset.rule(rule_id).adjustments for rule_id in evaluation.fired_rule_ids}
    suppressed = [
        {
            **held,
            "overridden_by": [
                {"adjustment": other, "rules": [rule_id for rule_id, gives in giving.items() if other in gives]}
                for other in held["suppressed_by"]
            ],
        }
        for held in result["suppressed"]
    ]
    return {
        **_header(result, "trace"),
        "summary": result["summary"],
        "missing": result["unknown"],
        "red_flags": reported_red_flags(ruleset, evaluation),
        "referral": result["referral"],
        "recommendations": recommendations,
        "suppressed": suppressed,
        "conclusions": [
            {"name": name, "rules": builder.facts.concluded_by.get(name, [])} for name in sorted(evaluation.conclusions)
        ],
        "fired": list(fired.values()),
        "unknown": result["unknown"],
    }
