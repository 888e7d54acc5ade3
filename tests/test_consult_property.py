"""For many generated athletes, a consultation answered from the athlete's snapshot ends with
exactly the advice `recommend` gives for the saved snapshot, and skipping questions never
changes the advice: the saved snapshot gets the same advice as the full one."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.advice.result import recommend
from runstrong.consult.dialogue import Consultation, answer_from, run_dialogue
from runstrong.consult.relevance import Relevance
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.partial import Partial
from runstrong.snapshot.validation import parse_snapshot
from strategies import athletes

NOISE = st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["back", "why", "how", "advice", "???"])), max_size=4)


SECTIONS = st.sets(st.sampled_from(["profile", "plan", "running", "symptoms", "wellbeing", "metrics"]), max_size=3)


def _consult(
    evaluator: Evaluator, snapshot: dict[str, Any], noise: list[tuple[int, str]], known: set[str] = frozenset()
) -> Consultation:
    """Replay a snapshot through the dialogue, starting from its `known` sections (as --from)."""
    start = Partial.from_snapshot({key: value for key, value in snapshot.items() if key in known})
    consultation = Consultation(evaluator, start, snapshot["athlete_id"], snapshot["date"])
    pending = sorted(noise)
    asked = 0

    def ask() -> str:
        nonlocal asked
        asked += 1
        if pending and pending[0][0] <= asked:
            return pending.pop(0)[1]
        question = consultation.next_question()
        assert question is not None
        return answer_from(snapshot, question.slot, consultation.partial)

    assert run_dialogue(consultation, ask, lambda _line: None)
    return consultation


def _advice(result: dict[str, Any]) -> tuple[Any, ...]:
    """Status and adjustments; the rules behind each in id order (the engine fires rules of equal
    salience in an order that can depend on fields no rule tests)."""
    recommendations = [
        {
            **rec,
            # the exercises and their doses also follow the athlete's age, training age and race,
            # which the consultation asks only when a rule needs them
            "exercises": None,
            "rules": sorted(rec["rules"], key=lambda r: r["id"]),
            "evidence": sorted(rec["evidence"], key=lambda e: e["key"]),
            "because": sorted(rec["because"]),
        }
        for rec in result["recommendations"]
    ]
    return result["status"], recommendations


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshot=athletes(), noise=NOISE, known=SECTIONS)
def test_final_advice_equals_recommend_on_the_saved_snapshot(
    evaluator: Evaluator, snapshot: dict[str, Any], noise: list[tuple[int, str]], known: set[str]
) -> None:
    consultation = _consult(evaluator, snapshot, noise, known)
    saved = parse_snapshot(yaml.safe_dump(consultation.snapshot(), sort_keys=False), "saved.yaml")
    assert consultation.result() == recommend(evaluator, saved)
    # the questions skipped could not have changed the advice
    assert _advice(recommend(evaluator, snapshot)) == _advice(consultation.result())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshot=athletes())
def test_at_the_end_every_rule_is_decided_as_the_engine_decides_it(
    evaluator: Evaluator, snapshot: dict[str, Any]
) -> None:
    consultation = _consult(evaluator, snapshot, [])
    states = Relevance(evaluator.ruleset).assess(consultation.partial)
    assert all(state.decided for state in states.values())
    fired = set(evaluator.evaluate(consultation.snapshot()).fired_rule_ids)
    assert {rule_id for rule_id, state in states.items() if state.value} == fired
    assert fired == set(evaluator.evaluate(snapshot).fired_rule_ids)
