"""Why-not reports agree with the engine on every rule and snapshot, and report every condition."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from explain_cases import all_snapshots
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.outcome import FALSE, TRUE, UNKNOWN
from runstrong.explain.whynot import Facts, why_not
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import validate
from strategies import snapshots

BASE = {"athlete_id": "t", "date": "2026-11-24"}


def _leaves(outcomes: list[dict]) -> list[dict]:
    found = []
    for outcome in outcomes:
        found += _leaves(outcome["children"]) if "children" in outcome else [outcome]
    return found


def test_agrees_with_the_engine_on_every_rule_and_snapshot(ruleset: RuleSet, evaluator: Evaluator) -> None:
    checked = 0
    for name, snapshot in all_snapshots(ruleset):
        evaluation = evaluator.evaluate(snapshot)
        facts = Facts(evaluation)
        for rule in ruleset.rules:
            report = why_not(ruleset, evaluation, rule, facts)
            assert (report["result"] == TRUE) == report["fired"], (name, rule.id, report["result"])
            if not report["fired"]:
                assert report["blocking"], (name, rule.id)
                assert all(b["result"] in (FALSE, UNKNOWN) for b in report["blocking"])
            checked += 1
    assert checked > 1000


def test_every_condition_is_reported_without_short_circuit(ruleset: RuleSet, evaluator: Evaluator) -> None:
    rule = ruleset.rule("RF02")
    evaluation = evaluator.evaluate({**BASE, "symptoms": {"red_flags": []}})
    report = why_not(ruleset, evaluation, rule)
    assert not report["fired"] and report["result"] == FALSE
    assert len(_leaves(report["conditions"])) == sum(1 for _ in _all_leaves(rule.when))


def _all_leaves(condition):
    if hasattr(condition, "items") and isinstance(condition.items, tuple):
        for item in condition.items:
            yield from _all_leaves(item)
    elif hasattr(condition, "item"):
        yield from _all_leaves(condition.item)
    else:
        yield condition


def test_missing_data_is_unknown_not_false(ruleset: RuleSet, evaluator: Evaluator) -> None:
    evaluation = evaluator.evaluate({**BASE, "wellbeing": {"fatigue": 5}})
    report = why_not(ruleset, evaluation, ruleset.rule("SW01"))
    sleep = next(leaf for leaf in _leaves(report["conditions"]) if leaf.get("field") == "wellbeing.sleep_h_avg_7d")
    assert sleep["result"] == UNKNOWN and sleep["known"] is False
    assert report["result"] == UNKNOWN and not report["fired"]
    assert sleep in report["blocking"]


def test_unknown_list_makes_item_conditions_unknown(ruleset: RuleSet, evaluator: Evaluator) -> None:
    evaluation = evaluator.evaluate(dict(BASE))
    report = why_not(ruleset, evaluation, ruleset.rule("RF02"))
    assert report["result"] == UNKNOWN
    assert all(b["result"] == UNKNOWN for b in report["blocking"])


def test_join_is_tested_on_two_different_items(ruleset: RuleSet, evaluator: Evaluator) -> None:
    one_session = {**BASE, "plan": {"gym_sessions": [{"day": "mon", "intensity": "high", "muscle_groups": ["calves"]}]}}
    report = why_not(ruleset, evaluator.evaluate(one_session), ruleset.rule("GP02"))
    assert report["result"] != TRUE and not report["fired"]
    two = {
        **BASE,
        "plan": {
            "gym_sessions": [
                {"day": "mon", "intensity": "high", "muscle_groups": ["calves"]},
                {"day": "tue", "intensity": "high", "muscle_groups": ["calves"]},
            ]
        },
    }
    report = why_not(ruleset, evaluator.evaluate(two), ruleset.rule("GP02"))
    assert report["fired"] and report["result"] == TRUE
    assert sorted(report["binding"].values()) == ["plan.gym_sessions[0]", "plan.gym_sessions[1]"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshots)
def test_agrees_with_the_engine_on_generated_athletes(ruleset: RuleSet, evaluator: Evaluator, snapshot: dict) -> None:
    evaluation = evaluator.evaluate(validate(snapshot))
    facts = Facts(evaluation)
    for rule in ruleset.rules:
        report = why_not(ruleset, evaluation, rule, facts)
        assert (report["result"] == TRUE) == report["fired"], rule.id
        assert report["fired"] or report["blocking"]
