"""Every rule's own examples, run through the whole rule set: `pytest -k TD01` runs one rule."""

from __future__ import annotations

import pytest

from conftest import bundled_ruleset
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import Example, Rule

CASES = [(rule, example) for rule in bundled_ruleset().rules for example in rule.examples]


@pytest.mark.parametrize(("rule", "example"), CASES, ids=[f"{r.id}_{e.name}" for r, e in CASES])
def test_rule_example(evaluator: Evaluator, rule: Rule, example: Example) -> None:
    fired = evaluator.evaluate(example.snapshot).fired_rule_ids
    if example.fires:
        assert rule.id in fired, f"{rule.id} should fire on '{example.name}'; fired: {fired}"
    else:
        assert rule.id not in fired, f"{rule.id} should not fire on '{example.name}'; fired: {fired}"


def test_every_rule_has_both_kinds_of_example() -> None:
    for rule in bundled_ruleset().rules:
        kinds = {example.fires for example in rule.examples}
        assert kinds == {True, False}, rule.id
