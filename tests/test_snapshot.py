"""Snapshot validation: every problem named by its field path, with what was expected and given."""

from __future__ import annotations

import pytest

from runstrong.snapshot.validation import parse_snapshot, validate, validation_problems
from runstrong.util.errors import InvalidSnapshot

BASE = {"athlete_id": "a1", "date": "2026-11-24"}


def _messages(data: object) -> list[str]:
    return [str(p) for p in validation_problems(data)]


def test_the_minimal_snapshot_is_valid() -> None:
    assert validate(dict(BASE)) == BASE


def test_unknown_keys_get_a_did_you_mean_hint() -> None:
    assert _messages({**BASE, "wellbeing": {"sleep_avg_7d": 7}}) == [
        "wellbeing.sleep_avg_7d: unknown field; did you mean 'sleep_h_avg_7d'?"
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"date": "2026-11-24"}, "athlete_id: required field is missing"),
        ({**BASE, "date": "2026-02-30"}, 'date: expected an ISO date (YYYY-MM-DD); got "2026-02-30"'),
        ({**BASE, "wellbeing": {"mood": 6}}, "wellbeing.mood: expected a whole number from 1 to 5; got 6"),
        (
            {**BASE, "symptoms": {"soreness": [{"region": "calf", "level": 11}]}},
            "symptoms.soreness[0].level: expected a number from 0 to 10; got 11",
        ),
        (
            {**BASE, "plan": {"phase": "base"}},
            "plan.phase: expected one of base_strength, power, maintenance, "
            "deload, return_to_run; got \"base\" (did you mean 'base_strength'?)",
        ),
        ({**BASE, "running": {"week_km": "forty"}}, 'running.week_km: expected a number; got "forty"'),
        ({**BASE, "symptoms": {"red_flags": ["limp", "limp"]}}, "symptoms.red_flags: expected each item once"),
        ({**BASE, "athlete_id": ""}, 'athlete_id: expected non-empty text; got ""'),
        ([1, 2], "(snapshot): expected a mapping of fields"),
    ],
)
def test_problems_name_the_field(data: object, expected: str) -> None:
    assert any(m.startswith(expected) for m in _messages(data)), _messages(data)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidSnapshot) as caught:
        validate({**BASE, "wellbeing": {"mood": 9, "fatigue": 0}, "plan": {"phase": "x"}})
    assert len(caught.value.problems) == 3


def test_yaml_dates_stay_iso_text_and_bad_yaml_is_a_user_error() -> None:
    assert parse_snapshot("athlete_id: a\ndate: 2026-11-24\n", "s.yaml")["date"] == "2026-11-24"
    with pytest.raises(InvalidSnapshot):
        parse_snapshot("athlete_id: a\ndate: 2026-11-24\nplan: {phase: nope}\n", "s.yaml")
