"""The lean engine (lean node activations, the compiled alpha network, the cheaper reset and
declaration, the run loop without log texts) fires
exactly what experta's own RETE matcher fires, on the same rules and facts."""

from __future__ import annotations

from typing import Any

import pytest
from experta import KnowledgeEngine
from experta.matchers.rete import ReteMatcher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.engine.evaluator import Evaluator, _record, _RecordingEngine
from runstrong.engine.records import Evaluation
from runstrong.rules.compiler import build_engine_class
from runstrong.rules.conditions import INLINE, ValueTest
from runstrong.rules.model import RuleSet
from runstrong.snapshot.facts import snapshot_facts
from runstrong.snapshot.validation import Snapshot, validate
from strategies import snapshots


class _StockEngine(_RecordingEngine):
    """The recording engine on experta's own matcher and run loop, reset and declared the usual way."""

    __matcher__ = ReteMatcher
    run = KnowledgeEngine.run

    def _append_facts(self, facts: list[Any]) -> None:  # a rule's conclusions, declared experta's way
        for fact in facts:
            self.declare(fact)


def _firings(evaluation: Evaluation) -> list[tuple[Any, ...]]:
    """What fired, on which values, in an order that does not depend on the engine."""
    found = [
        (firing.rule.id, firing.branch.index, repr(sorted(firing.matched_values().items())))
        for firing in evaluation.firings
    ]
    return sorted(found)


class StockEvaluator:
    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.engine = build_engine_class(ruleset, _record, _StockEngine)()

    def evaluate(self, snapshot: Snapshot) -> Evaluation:
        engine = self.engine
        assert isinstance(engine, _RecordingEngine)
        engine.evaluation = Evaluation(snapshot)
        engine._athletes, engine._items = {}, {}
        engine.reset()
        for fact in snapshot_facts(snapshot, self.ruleset.knowledge.field_applies):
            engine.declare(fact)
        engine.run()
        return engine.evaluation


@pytest.fixture(scope="module")
def engines(ruleset: RuleSet) -> tuple[Evaluator, StockEvaluator]:
    return Evaluator(ruleset), StockEvaluator(ruleset)


def test_every_rule_example_fires_the_same(ruleset: RuleSet, engines: tuple[Evaluator, StockEvaluator]) -> None:
    lean, stock = engines
    checked = 0
    for rule in ruleset.rules:
        for example in rule.examples:
            snapshot = validate(example.snapshot)
            assert _firings(lean.evaluate(snapshot)) == _firings(stock.evaluate(snapshot)), (rule.id, example.name)
            checked += 1
    assert checked > 2 * len(ruleset.rules)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshots)
def test_random_snapshots_fire_the_same(engines: tuple[Evaluator, StockEvaluator], data: dict[str, Any]) -> None:
    lean, stock = engines
    snapshot = validate(data)
    assert _firings(lean.evaluate(snapshot)) == _firings(stock.evaluate(snapshot))


VALUES = st.one_of(st.integers(-3, 12), st.floats(-3, 12, allow_nan=False), st.sampled_from(["calf", "knee", "mon"]))
OPERANDS = st.one_of(VALUES, st.tuples(VALUES, VALUES), st.lists(VALUES, max_size=3).map(tuple))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(INLINE)), OPERANDS, VALUES | st.lists(VALUES, max_size=3).map(tuple), st.booleans())
def test_a_written_out_comparison_answers_as_its_predicate(op: str, operand: Any, value: Any, negated: bool) -> None:
    """The compiled alpha network writes `value >= operand` where the predicate would be called."""
    test = ValueTest(op, operand, negated)
    expression = test.expression("operand")
    assert expression is not None
    try:
        expected: Any = bool(test(value))
    except TypeError as error:
        expected = type(error)
    try:
        written: Any = bool(eval(expression, {}, {"value": value, "operand": operand}))
    except TypeError as error:
        written = type(error)
    assert written == expected
