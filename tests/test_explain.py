"""Traces are built from the engine's firings, and every traced condition holds."""

from __future__ import annotations

from explain_cases import all_snapshots, example_snapshots
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.outcome import TRUE
from runstrong.explain.trace import explain, explain_adjustment, explain_rule, trace
from runstrong.rules.model import RuleSet

BASE = {"athlete_id": "t", "date": "2026-11-24"}
HEALTHY_WITH_CADENCE_DROP = {
    **BASE,
    "running": {"cadence_spm": 160, "cadence_baseline_spm": 175},
    "metrics": {"reps_above_target": 3},
    "wellbeing": {"sleep_h_avg_7d": 8, "fatigue": 2},
    "plan": {"phase": "base_strength"},
    "symptoms": {"soreness": [], "tendon": [], "sharp_joint_pain": [], "red_flags": []},
}


def _conditions(outcomes: list[dict]) -> list[dict]:
    found = []
    for outcome in outcomes:
        found.append(outcome)
        for item in outcome.get("items", []):
            found += item["where"] if outcome.get("bound") == item["item"] else []
        for chained in outcome.get("chain", []):
            for firing in chained["firings"]:
                found += _conditions(firing["conditions"])
    return found


def test_every_condition_of_every_fired_rule_holds(ruleset: RuleSet, evaluator: Evaluator) -> None:
    traced = 0
    for name, snapshot in all_snapshots(ruleset):
        evaluation = evaluator.evaluate(snapshot)
        doc = trace(ruleset, evaluation)
        assert [rule["rule"] for rule in doc["fired"]] == evaluation.fired_rule_ids
        for rule in doc["fired"]:
            assert rule["firings"], (name, rule["rule"])
            for firing in rule["firings"]:
                assert firing["holds"], (name, rule["rule"])
                for condition in _conditions(firing["conditions"]):
                    assert condition["result"] == TRUE, (name, rule["rule"], condition["text"])
                    traced += 1
    assert traced > 500


def test_conditions_carry_value_and_threshold(ruleset: RuleSet, evaluator: Evaluator) -> None:
    doc = trace(ruleset, evaluator.evaluate(dict(example_snapshots()[0][1])))
    compares = [
        c
        for rule in doc["fired"]
        for f in rule["firings"]
        for c in _conditions(f["conditions"])
        if c["kind"] == "compare" and "threshold" in c
    ]
    assert compares
    for compare in compares:
        assert set(compare["threshold"]) >= {"name", "value", "unit", "source"}
        assert compare["threshold"]["value"] == ruleset.threshold_value(compare["threshold"]["name"])
        assert "value" in compare


def test_recommendations_name_their_rules_and_evidence(ruleset: RuleSet, evaluator: Evaluator) -> None:
    for _, snapshot in example_snapshots():
        evaluation = evaluator.evaluate(snapshot)
        doc = trace(ruleset, evaluation)
        fired = {rule["rule"] for rule in doc["fired"]}
        for rec in doc["recommendations"]:
            assert rec["rules"] and set(rec["rules"]) <= fired
            assert all(e["grade"] in ("S", "C", "H") for e in rec["evidence"])


def test_chained_conclusions_show_the_rule_that_concluded(ruleset: RuleSet, evaluator: Evaluator) -> None:
    chains = 0
    for _, snapshot in all_snapshots(ruleset):
        evaluation = evaluator.evaluate(snapshot)
        for rule in trace(ruleset, evaluation)["fired"]:
            for firing in rule["firings"]:
                for condition in firing["conditions"]:
                    if condition["kind"] == "concluded" and not condition["text"].startswith("not"):
                        assert condition["chain"], rule["rule"]
                        assert {c["rule"] for c in condition["chain"]} <= set(evaluation.fired_rule_ids)
                        chains += 1
    assert chains, "no rule in the examples chains on a conclusion"


def test_suppressed_adjustment_names_what_overrode_it(ruleset: RuleSet, evaluator: Evaluator) -> None:
    doc = trace(ruleset, evaluator.evaluate(HEALTHY_WITH_CADENCE_DROP))
    held = {entry["adjustment"]: entry for entry in doc["suppressed"]}
    assert "progress-load" in held
    overriders = held["progress-load"]["overridden_by"]
    assert any(o["adjustment"] == "reduce-load" and o["rules"] for o in overriders)
    report = explain_adjustment(evaluator, evaluator.evaluate(HEALTHY_WITH_CADENCE_DROP), "progress-load")
    assert report["state"] == "held back" and "reduce-load" in report["suppressed_by"]


def test_explain_rule_fired_and_not_fired(ruleset: RuleSet, evaluator: Evaluator) -> None:
    flagged = {**BASE, "symptoms": {"red_flags": ["night_pain"]}}
    doc = explain_rule(evaluator, evaluator.evaluate(flagged), ruleset.rule("RF02"))
    assert doc["fired"] and doc["trace"]["firings"]
    clear = {**BASE, "symptoms": {"red_flags": []}}
    doc = explain_rule(evaluator, evaluator.evaluate(clear), ruleset.rule("RF02"))
    assert not doc["fired"] and doc["why"]["blocking"]


def test_full_explanation_lists_what_would_change(ruleset: RuleSet, evaluator: Evaluator) -> None:
    _name, snapshot = next(case for case in example_snapshots() if case[0] == "healthy-base-week4.yaml")
    doc = explain(evaluator, evaluator.evaluate(snapshot))
    assert doc["mode"] == "advice" and doc["what_would_change"]
    assert all(cf["verified"] for cf in doc["what_would_change"])
