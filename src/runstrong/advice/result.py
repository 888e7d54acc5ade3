"""The result of evaluating one snapshot, as the JSON-ready structure every output uses."""

from __future__ import annotations

from typing import Any

from runstrong import __version__
from runstrong.advice.resolve import Recommendation, resolve_advice
from runstrong.engine.evaluator import Evaluator, fields_used
from runstrong.engine.records import Evaluation
from runstrong.rules.model import RuleSet
from runstrong.snapshot.fields import catalogue
from runstrong.snapshot.validation import Snapshot

DIRECTION_ORDER = {"decrease": 0, "neutral": 1, "increase": 2}


def _evidence(ruleset: RuleSet, rule_ids: list[str]) -> list[dict[str, str]]:
    keys: dict[str, None] = {}
    for rule_id in rule_ids:
        for key in ruleset.rule(rule_id).evidence:
            keys.setdefault(key, None)
    return [
        {
            "key": key,
            "grade": ruleset.knowledge.evidence[key].grade,
            "citation": ruleset.knowledge.evidence[key].citation,
        }
        for key in keys
    ]


def _recommendation(ruleset: RuleSet, rec: Recommendation) -> dict[str, Any]:
    exercises = ruleset.knowledge.exercises
    return {
        "adjustment": rec.adjustment.id,
        "title": rec.adjustment.title,
        "direction": rec.adjustment.direction,
        "params": dict(sorted(rec.params.items())),
        "practice": " ".join(rec.adjustment.practice.split()),
        "rules": [
            {"id": rule_id, "title": ruleset.rule(rule_id).title, "grade": ruleset.rule(rule_id).grade}
            for rule_id in rec.rules
        ],
        "evidence": _evidence(ruleset, rec.rules),
        "exercises": [
            {"key": key, "name": exercises[key].name, "prescription": exercises[key].prescription}
            for key in rec.adjustment.exercises
        ],
    }


def _unknown(ruleset: RuleSet, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Snapshot fields that rules which did not fire needed but the snapshot lacked."""
    missing = evaluation.missing
    scalars = catalogue().scalars
    fired = set(evaluation.fired_rule_ids)
    needed: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        if rule.id in fired:
            continue
        for name in sorted(fields_used(rule) & missing):
            for field in scalars[name].inputs or (name,):
                if field in missing and rule.id not in needed.setdefault(field, []):
                    needed[field].append(rule.id)
    return [{"field": name, "rules": rules} for name, rules in sorted(needed.items())]


def build_result(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Any]:
    """The full result: status, recommendations, suppressed, unknown, fired, ruleset."""
    advice = resolve_advice(ruleset, evaluation)
    ordered = sorted(advice.recommendations, key=lambda r: DIRECTION_ORDER[r.adjustment.direction])
    fired: dict[str, dict[str, Any]] = {}
    for firing in evaluation.firings:
        entry = fired.setdefault(firing.rule.id, {"rule": firing.rule.id, "title": firing.rule.title, "matches": []})
        values = firing.matched_values()
        if values not in entry["matches"]:
            entry["matches"].append(values)
    return {
        "athlete_id": evaluation.snapshot["athlete_id"],
        "date": evaluation.snapshot["date"],
        "status": advice.status,
        "recommendations": [_recommendation(ruleset, rec) for rec in ordered],
        "suppressed": [
            {
                "adjustment": rec.adjustment.id,
                "title": rec.adjustment.title,
                "rules": list(rec.rules),
                "suppressed_by": list(rec.suppressed_by),
            }
            for rec in advice.suppressed
        ],
        "conclusions": list(evaluation.conclusions),
        "unknown": _unknown(ruleset, evaluation),
        "fired": list(fired.values()),
        "ruleset": {"version": ruleset.version, "digest": ruleset.digest, "runstrong": __version__},
    }


def recommend(evaluator: Evaluator, snapshot: Snapshot) -> dict[str, Any]:
    """Evaluate one validated snapshot and build its result."""
    return build_result(evaluator.ruleset, evaluator.evaluate(snapshot))
