"""The result of evaluating one snapshot, as the JSON-ready structure every output uses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from runstrong import __version__
from runstrong.advice.dose import Context, prescribe
from runstrong.advice.dose_context import context, left_out, staged
from runstrong.advice.resolve import Advice, Recommendation, resolve_advice
from runstrong.advice.summary import Wording, summary
from runstrong.advice.unknown import unknown_fields
from runstrong.engine.evaluator import Evaluator
from runstrong.engine.records import Evaluation
from runstrong.rules.knowledge import Adjustment
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import Snapshot
from runstrong.util.memo import PerObject, remembered


def _evidence(ruleset: RuleSet, rule_ids: Iterable[str]) -> tuple[tuple[str, str, str], ...]:
    """Each source the rules cite, once, in the rules' order: key, grade and citation."""
    keys: dict[str, None] = {}
    for rule_id in rule_ids:
        for key in ruleset.rule(rule_id).evidence:
            keys.setdefault(key, None)
    evidence = ruleset.knowledge.evidence
    return tuple((key, evidence[key].grade, evidence[key].citation) for key in keys)


@dataclass(frozen=True)
class _Fixed:
    """The parts of a recommendation that depend only on the adjustment, its rules and its
    exercises (the catalogue's words), worked out once and copied into each result."""

    practice: str
    rules: tuple[tuple[str, str, str], ...]
    evidence: tuple[tuple[str, str, str], ...]
    exercises: tuple[tuple[str, str], ...]


def _fixed_parts(
    ruleset: RuleSet, adjustment: Adjustment, rules: tuple[str, ...], exercises: tuple[str, ...]
) -> _Fixed:
    catalogue = ruleset.knowledge.exercises
    return _Fixed(
        " ".join(adjustment.practice.split()),
        tuple((rule_id, ruleset.rule(rule_id).title, ruleset.rule(rule_id).grade) for rule_id in rules),
        _evidence(ruleset, rules),
        tuple((key, catalogue[key].name) for key in exercises),
    )


#: The fixed parts already worked out, per rule set (a bounded table each).
_FIXED: PerObject[dict[tuple[str, tuple[str, ...], tuple[str, ...]], _Fixed]] = PerObject()


def _fixed(ruleset: RuleSet, rec: Recommendation) -> _Fixed:
    rules, exercises = tuple(rec.rules), tuple(staged(ruleset.knowledge, rec))
    return remembered(
        _FIXED.get(ruleset, dict),
        (rec.adjustment.id, rules, exercises),
        lambda: _fixed_parts(ruleset, rec.adjustment, rules, exercises),
    )


def _exercise(ruleset: RuleSet, dose_context: Context, rec: Recommendation, key: str, name: str) -> dict[str, Any]:
    """An exercise a recommendation lists, with its dose from the one source (advice.dose)."""
    parts = ruleset.knowledge.programming.parts if ruleset.knowledge.programming else {}
    part = next((p for p in ("warm_up", "cool_down") if parts.get(p, {}).get("advice") == rec.adjustment.id), "main")
    new = rec.adjustment.effects.get("exercises") in ("add", "rehab", "substitute")  # no load of its own yet
    dose = prescribe(ruleset.knowledge, dose_context, key, part, previous=not new)
    if dose is None:
        return {"key": key, "name": name}
    return {"key": key, "name": name, "prescription": dose.text(), "dose": dose.as_dict()}


def _recommendation(
    ruleset: RuleSet, wording: Wording, rec: Recommendation, priority: int, dose_context: Context, skip: set[str]
) -> dict[str, Any]:
    fixed = _fixed(ruleset, rec)
    return {
        "adjustment": rec.adjustment.id,
        "title": rec.adjustment.title,
        "direction": rec.adjustment.direction,
        "do": wording.do(rec),
        "because": wording.because(rec),
        "group": rec.adjustment.group,
        "priority": priority,
        "params": dict(sorted(rec.params.items())),
        "practice": fixed.practice,
        "rules": [{"id": rule_id, "title": title, "grade": grade} for rule_id, title, grade in fixed.rules],
        "evidence": [{"key": key, "grade": grade, "citation": citation} for key, grade, citation in fixed.evidence],
        "exercises": [
            _exercise(ruleset, dose_context, rec, key, name) for key, name in fixed.exercises if key not in skip
        ],
    }


def referral_document(ruleset: RuleSet, advice: Advice) -> dict[str, Any] | None:
    """Who should see the athlete, how soon, what continues meanwhile, and each red flag with its
    words for the clinician; None without a referral."""
    referral = advice.referral
    if referral is None:
        return None
    knowledge = ruleset.knowledge
    levels = knowledge.referral.urgency
    return {
        "urgency": referral.urgency,
        "when": levels[referral.urgency]["when"] if referral.urgency in levels else referral.urgency,
        "cds_indicator": levels[referral.urgency]["cds_indicator"] if referral.urgency in levels else "critical",
        "assessors": list(referral.assessors),
        "with": list(referral.also),
        "meanwhile": referral.meanwhile,
        "sites": list(referral.sites),
        "flags": [
            {
                "flag": flag,
                "label": knowledge.red_flags[flag].label,
                "means": knowledge.red_flags[flag].means,
                "urgency": knowledge.red_flags[flag].urgency,
                "clinician": knowledge.red_flags[flag].clinician,
            }
            for flag in referral.flags
        ],
    }


def _could_change(advice: Advice, unknown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The unknown fields that could still change this advice: under a referral within the week
    only what could add a referral, and nothing beside an emergency or same-day one (the athlete is
    seen today, and nothing more is scheduled)."""
    if advice.referral is None:
        return unknown
    if advice.referral.urgency in ("emergency", "same_day"):
        return []
    return [entry for entry in unknown if entry["could_change"] == "referral"]


def build_result(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Any]:
    """The full result: status, recommendations, suppressed, unknown, fired, ruleset."""
    advice = resolve_advice(ruleset, evaluation)
    ordered = advice.recommendations
    unknown = _could_change(advice, unknown_fields(ruleset, evaluation))
    wording = Wording(ruleset, advice)
    dose_context = context(ruleset.knowledge, advice, dict(evaluation.snapshot))
    skip = left_out(ruleset.knowledge, dict(evaluation.snapshot))
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
        "recommendations": [
            _recommendation(ruleset, wording, rec, n, dose_context, skip) for n, rec in enumerate(ordered, 1)
        ],
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
        "referral": referral_document(ruleset, advice),
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
        "unknown": len(_could_change(advice, unknown_fields(ruleset, evaluation))),
        "ruleset": ruleset.digest,
    }
