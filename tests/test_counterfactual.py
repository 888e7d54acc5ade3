"""Every counterfactual, applied to its snapshot, makes its rule fire (checked independently)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from explain_cases import example_snapshots
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.changes import apply_changes, nearest_value
from runstrong.explain.whatif import WhatIf
from runstrong.rules.model import RuleSet
from runstrong.snapshot.fields import catalogue
from runstrong.snapshot.validation import validate, validation_problems
from strategies import snapshots

BASE = {"athlete_id": "t", "date": "2026-11-24"}


def _cases(ruleset: RuleSet) -> list[tuple[str, dict]]:
    cases = example_snapshots()
    for rule in ruleset.rules:  # one near miss per rule: its first does-not-fire example
        example = next(e for e in rule.examples if not e.fires)
        cases.append((f"{rule.id}:{example.name}", example.snapshot))
    return cases


def test_each_counterfactual_makes_its_rule_fire(ruleset: RuleSet, evaluator: Evaluator) -> None:
    found = 0
    for name, snapshot in _cases(ruleset):
        evaluation = evaluator.evaluate(snapshot)
        for whatif in WhatIf(evaluator, evaluation).all_rules():
            assert whatif["rule"] not in evaluation.fired_rule_ids
            changed = apply_changes(snapshot, whatif["changes"])
            assert not validation_problems(changed), (name, whatif)
            assert whatif["rule"] in evaluator.evaluate(changed).fired_rule_ids, (name, whatif)
            for change in whatif["changes"]:
                assert change["now"] is not None and change["to"] != change["now"]
            found += 1
    assert found > 30


def test_each_unknown_scenario_makes_its_rule_fire(ruleset: RuleSet, evaluator: Evaluator) -> None:
    found = 0
    for name, snapshot in example_snapshots():
        evaluation = evaluator.evaluate(snapshot)
        for entry in WhatIf(evaluator, evaluation).unknowns():
            for scenario in entry["scenarios"]:
                assert all(change["now"] is None for change in scenario["changes"])
                changed = apply_changes(snapshot, scenario["changes"])
                assert scenario["rule"] in evaluator.evaluate(changed).fired_rule_ids, (name, scenario)
                found += 1
    assert found > 5


def test_smallest_change_is_the_nearest_value_past_the_threshold(ruleset: RuleSet, evaluator: Evaluator) -> None:
    snapshot = {**BASE, "wellbeing": {"sleep_h_avg_7d": 7.2, "fatigue": 4}}
    evaluation = evaluator.evaluate(snapshot)
    assert "SW01" not in evaluation.fired_rule_ids or ruleset.threshold_value("sleep_avg_short_h") > 7.2
    limit = ruleset.threshold_value("sleep_avg_short_h")
    snapshot["wellbeing"]["sleep_h_avg_7d"] = limit + 0.5
    whatif = WhatIf(evaluator, evaluator.evaluate(snapshot)).for_rule(ruleset.rule("SW01"))
    assert whatif is not None
    [change] = whatif["changes"]
    assert change["path"] == "wellbeing.sleep_h_avg_7d"
    assert change["to"] == round(limit - 0.1, 3)
    assert change["threshold"]["name"] == "sleep_avg_short_h"


def test_derived_values_are_changed_through_their_snapshot_field(ruleset: RuleSet, evaluator: Evaluator) -> None:
    snapshot = {**BASE, "running": {"week_km": 40, "prev_week_km": 40}}
    whatif = WhatIf(evaluator, evaluator.evaluate(snapshot)).for_rule(ruleset.rule("LV01"))
    assert whatif is not None
    [change] = whatif["changes"]
    assert change["path"] == "running.week_km" and change["via"] == "derived.week_change_pct"
    assert change["to"] > 40


def test_unknown_field_that_could_change_the_advice(ruleset: RuleSet, evaluator: Evaluator) -> None:
    snapshot = {**BASE, "running": {"cadence_baseline_spm": 178}}
    report = {u["field"]: u for u in WhatIf(evaluator, evaluator.evaluate(snapshot)).unknowns()}
    cadence = report["derived.cadence_drop_pct"]
    assert cadence["could_change_advice"]
    scenario = next(s for s in cadence["scenarios"] if s["rule"] == "CG01")
    assert scenario["changes"][0]["path"] == "running.cadence_spm"


def test_nearest_value_respects_the_field_range() -> None:
    spec = catalogue().scalars["wellbeing.fatigue"]
    assert nearest_value(spec, 2, lambda v: v >= 4) == 4
    assert nearest_value(spec, 2, lambda v: v > 5) is None


def test_an_unknown_input_of_a_derived_value_is_filled(ruleset: RuleSet, evaluator: Evaluator) -> None:
    snapshot = {**BASE, "running": {"week_km": 50}}
    scenarios = WhatIf(evaluator, evaluator.evaluate(snapshot)).rule_unknowns(ruleset.rule("LV01"))
    assert scenarios
    [change] = scenarios[0]["changes"]
    assert change["path"] == "running.prev_week_km" and change["now"] is None
    limit = ruleset.threshold_value("week_km_spike_pct")
    assert (50 - change["to"]) / change["to"] * 100 > limit
    assert "LV01" in evaluator.evaluate(apply_changes(snapshot, scenarios[0]["changes"])).fired_rule_ids


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshots)
def test_counterfactuals_hold_on_generated_athletes(evaluator: Evaluator, snapshot: dict) -> None:
    snapshot = validate(snapshot)
    whatif = WhatIf(evaluator, evaluator.evaluate(snapshot))
    for found in whatif.all_rules():
        changed = apply_changes(snapshot, found["changes"])
        assert found["rule"] in evaluator.evaluate(changed).fired_rule_ids, found


def test_a_needed_conclusion_is_reached_through_the_rule_that_concludes_it(
    ruleset: RuleSet, evaluator: Evaluator
) -> None:
    concluders = {
        name: [r for r in ruleset.rules if name in r.conclusions] for r in ruleset.rules for name in r.conclusions
    }
    chained = [
        (rule, name)
        for rule in ruleset.rules
        for leaf in _leaves(rule)
        if type(leaf).__name__ == "Concluded" and not leaf.negated
        for name in [leaf.name]
    ]
    assert chained, "no rule chains on a conclusion"
    found = 0
    for _, snapshot in example_snapshots():
        evaluation = evaluator.evaluate(snapshot)
        whatif = WhatIf(evaluator, evaluation)
        for rule, conclusion in chained:
            if rule.id in evaluation.fired_rule_ids or conclusion in evaluation.conclusions:
                continue
            result = whatif.for_rule(rule)
            if result:
                after = evaluator.evaluate(apply_changes(snapshot, result["changes"]))
                assert rule.id in after.fired_rule_ids
                found += any(r.id in after.fired_rule_ids for r in concluders[conclusion])
    assert found, "no chained counterfactual found on the examples"


def _leaves(rule):
    from runstrong.rules.model import leaves

    return leaves(rule.when)
