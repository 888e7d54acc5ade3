"""The result of evaluating one snapshot, as the JSON-ready structure every output uses."""

from __future__ import annotations

import re
from typing import Any

from runstrong import __version__
from runstrong.advice.resolve import STATUS_RANK, Recommendation, resolve_advice
from runstrong.advice.summary import Wording, summary
from runstrong.engine.evaluator import Evaluator, fields_read
from runstrong.engine.records import Evaluation
from runstrong.rules.model import RuleSet
from runstrong.snapshot.fields import catalogue, field_label
from runstrong.snapshot.validation import Snapshot


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


def _recommendation(ruleset: RuleSet, wording: Wording, rec: Recommendation, priority: int) -> dict[str, Any]:
    exercises = ruleset.knowledge.exercises
    return {
        "adjustment": rec.adjustment.id,
        "title": rec.adjustment.title,
        "direction": rec.adjustment.direction,
        "do": wording.do(rec),
        "because": wording.because(rec),
        "group": rec.adjustment.group,
        "priority": priority,
        "params": dict(sorted(rec.params.items())),
        "practice": " ".join(rec.adjustment.practice.split()),
        "rules": [
            {"id": rule_id, "title": ruleset.rule(rule_id).title, "grade": ruleset.rule(rule_id).grade}
            for rule_id in rec.rules
        ],
        "evidence": _evidence(ruleset, rec.rules),
        "exercises": [
            {"key": key, "name": exercises[key].name, "prescription": exercises[key].prescription}
            for key in rec.exercises
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
        needs = fields_read(rule) & missing
        for name in sorted(needs) if needs else ():
            for field in scalars[name].inputs or (name,):
                if field in missing and rule.id not in needed.setdefault(field, []):
                    needed[field].append(rule.id)
    adjustments = ruleset.knowledge.adjustments

    def could_give(rule_ids: list[str]) -> int:
        ranks = [STATUS_RANK[adjustments[a].status] for r in rule_ids for a in ruleset.rule(r).adjustments]
        return max(ranks, default=0)

    def rank(entry: tuple[str, list[str]]) -> tuple[int, int, int, str]:
        name, rules = entry
        return (name != "symptoms.red_flags", -could_give(rules), -len(rules), name)

    return [
        {"field": name, "label": field_label(name), "could_change": _change_word(could_give(rules)), "rules": rules}
        for name, rules in sorted(needed.items(), key=rank)
    ]


def _change_word(rank: int) -> str:
    return "referral" if rank >= STATUS_RANK["red"] else ("caution" if rank >= STATUS_RANK["amber"] else "detail")


def build_result(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Any]:
    """The full result: status, recommendations, suppressed, unknown, fired, ruleset."""
    advice = resolve_advice(ruleset, evaluation)
    ordered = advice.recommendations
    unknown = _unknown(ruleset, evaluation)
    wording = Wording(ruleset, advice)
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
        "summary": summary(ruleset, advice, unknown, wording),
        "recommendations": [_recommendation(ruleset, wording, rec, n) for n, rec in enumerate(ordered, 1)],
        "suppressed": [
            {
                "adjustment": rec.adjustment.id,
                "title": rec.adjustment.title,
                "rules": list(rec.rules),
                "suppressed_by": list(rec.suppressed_by),
                "reason": rec.reason,
            }
            for rec in advice.suppressed
        ],
        "conclusions": list(evaluation.conclusions),
        "unknown": unknown,
        "fired": list(fired.values()),
        "ruleset": {"version": ruleset.version, "digest": ruleset.digest, "runstrong": __version__},
    }


def recommend(evaluator: Evaluator, snapshot: Snapshot) -> dict[str, Any]:
    """Evaluate one validated snapshot and build its result."""
    return build_result(evaluator.ruleset, evaluator.evaluate(snapshot))


#: A param value kept in the brief result: a number, true/false, or a name (`achilles`, `tue`).
_NAME = re.compile(r"[a-z0-9_.-]*")


def _brief_value(value: Any) -> bool:
    """Whether a param value is data rather than words for a person (a reason, a criterion)."""
    if isinstance(value, str):
        return _NAME.fullmatch(value) is not None
    if isinstance(value, list):
        return all(_brief_value(item) for item in value)
    return True


def brief_result(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Any]:
    """The result in brief (`runstrong batch --detail summary`): the status, the adjustments
    given with their params (`{adjustment: {param: value}}`, numbers and names only: the words
    for a person, such as reasons and criteria, are in the full result), the adjustments held
    back, the rules that fired (in firing order), how many fields that rules needed were unknown
    and the rule set's digest; the same decisions as `build_result`."""
    advice = resolve_advice(ruleset, evaluation)
    return {
        "athlete_id": evaluation.snapshot["athlete_id"],
        "date": evaluation.snapshot["date"],
        "status": advice.status,
        "adjustments": {
            rec.adjustment.id: {name: value for name, value in sorted(rec.params.items()) if _brief_value(value)}
            for rec in advice.recommendations
        },
        "suppressed": [rec.adjustment.id for rec in advice.suppressed],
        "fired": evaluation.fired_rule_ids,
        "unknown": len(_unknown(ruleset, evaluation)),
        "ruleset": ruleset.digest,
    }
