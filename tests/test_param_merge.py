"""Params from several bundled rules on one adjustment merge as the catalogue says (max, min,
collect), whatever order the rules fired in."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from runstrong.advice.resolve import resolve_advice
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import validate

BASE = {"athlete_id": "t", "date": "2026-11-24"}

# (snapshot, adjustment, the rules that must both give it, param, merge, merged value)
CASES: dict[str, tuple[dict[str, Any], str, set[str], str, str, Any]] = {
    # SW01 cuts 10 % (gym_load_cut_light_pct), SW02 20 % (gym_load_cut_pct): max is 20.
    "reduce-load-percent-max": (
        {"wellbeing": {"sleep_h_avg_7d": 7, "fatigue": 4, "sleep_h_last_night": 4}},
        "reduce-load",
        {"SW01", "SW02"},
        "percent",
        "max",
        20,
    ),
    # LV04 allows 2 sessions (volume spike), GP05 3 (base strength): min is 2.
    "reduce-frequency-sessions-min": (
        {
            "running": {"week_km": 50, "prev_week_km": 35},
            "plan": {
                "phase": "base_strength",
                "gym_sessions": [
                    {"day": "mon", "intensity": "moderate", "muscle_groups": ["core"]},
                    {"day": "tue", "intensity": "moderate", "muscle_groups": ["posterior_chain"]},
                    {"day": "thu", "intensity": "moderate", "muscle_groups": ["quadriceps"]},
                    {"day": "sat", "intensity": "moderate", "muscle_groups": ["core"]},
                ],
            },
        },
        "reduce-frequency",
        {"LV04", "GP05"},
        "sessions_per_week",
        "min",
        2,
    ),
    # RF10 and EA03 each name the finding they refer for: both are kept, sorted.
    "refer-flag-collect": (
        {
            "symptoms": {"sharp_joint_pain": [{"joint": "knee", "level": 8}]},
            "energy": {"disordered_eating_screen_positive": True},
        },
        "refer-to-clinician",
        {"EA03", "RF10"},
        "flag",
        "collect",
        ["disordered_eating", "severe_joint_pain"],
    ),
}


def _rec(advice: Any, adjustment: str) -> Any:
    found = [rec for rec in advice.recommendations + advice.suppressed if rec.adjustment.id == adjustment]
    assert len(found) == 1, [rec.adjustment.id for rec in advice.recommendations + advice.suppressed]
    return found[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_merge_through_real_rules(ruleset: RuleSet, evaluator: Evaluator, name: str) -> None:
    snapshot, adjustment, rules, param, merge, expected = CASES[name]
    assert ruleset.knowledge.adjustments[adjustment].params[param].merge == merge
    evaluation = evaluator.evaluate(validate({**BASE, **snapshot}))
    rec = _rec(resolve_advice(ruleset, evaluation), adjustment)
    assert rules <= set(rec.rules), rec.rules
    assert rec.params[param] == expected, rec.params
    # The same firings in the other order merge to the same value.
    reversed_evaluation = dataclasses.replace(evaluation, firings=list(reversed(evaluation.firings)))
    again = _rec(resolve_advice(ruleset, reversed_evaluation), adjustment)
    assert again.params[param] == expected, again.params


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_rule_alone_gives_its_own_value(ruleset: RuleSet, evaluator: Evaluator, name: str) -> None:
    """The merged value differs from at least one rule's own value, so the merge is really tested."""
    snapshot, adjustment, rules, param, _merge, expected = CASES[name]
    evaluation = evaluator.evaluate(validate({**BASE, **snapshot}))
    own = []
    for rule_id in sorted(rules):
        only = [f for f in evaluation.firings if f.rule.id == rule_id or adjustment not in _gives(f)]
        one = _rec(resolve_advice(ruleset, dataclasses.replace(evaluation, firings=only)), adjustment)
        own.append(one.params[param])
    assert len({str(v) for v in own}) == len(own), own
    assert any(value != expected for value in own), own


def _gives(firing: Any) -> set[str]:
    return {action.adjustment for action in firing.rule.then if action.adjustment}
