"""Negated compound conditions compile to what they mean: `not any`, `not all` and `not at_least`
give, on every combination of known values, the truth the condition states (a survivor of the
mutation run showed these De Morgan steps were untested)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from runstrong.engine.evaluator import Evaluator
from runstrong.rules.ruleset import load_ruleset
from runstrong.util.paths import default_knowledge_dir

FIELDS = ("fatigue", "stress", "mood")  # each 1-5; a leaf "X >= 4" holds when X is 4
LEAVES = '      - "wellbeing.fatigue >= 4"\n      - "wellbeing.stress >= 4"\n      - "wellbeing.mood >= 4"\n'
RULES = {
    "XD01-not-any": ("  - not:\n      any:\n" + LEAVES.replace("      -", "        -"), lambda v: not any(v)),
    "XD02-not-all": ("  - not:\n      all:\n" + LEAVES.replace("      -", "        -"), lambda v: not all(v)),
    "XD03-not-at-least-2": (
        "  - not:\n      at_least: 2\n      of:\n" + LEAVES.replace("      -", "        -"),
        lambda v: sum(v) < 2,
    ),
    "XD04-at-least-2": ("  - at_least: 2\n    of:\n" + LEAVES, lambda v: sum(v) >= 2),
    "XD05-not-not-any": (
        "  - not:\n      not:\n        any:\n" + LEAVES.replace("      -", "          -"),
        lambda v: any(v),
    ),
}


@pytest.fixture(scope="module")
def evaluator(tmp_path_factory: pytest.TempPathFactory) -> Evaluator:
    folder: Path = tmp_path_factory.mktemp("demorgan")
    (folder / "ruleset.yaml").write_text("version: '0.1'\n", encoding="utf-8")
    for stem, (when, _) in RULES.items():
        rule_id, name = stem.split("-", 1)
        (folder / f"{stem}.yaml").write_text(
            f"id: {rule_id}\nname: {name}\ntitle: {name}\ngrade: H\nwhen:\n{when}"
            "then:\n  - adjustment: reduce-load\n    params: {percent: 10}\n"
            "rationale: test rule\nevidence: [milewski-2014]\n"
            "examples:\n  fires:\n    - name: any\n      snapshot: {}\n"
            "  does_not_fire:\n    - name: none\n      snapshot: {}\n",
            encoding="utf-8",
        )
    return Evaluator(load_ruleset(folder, default_knowledge_dir(), check_examples=False))


@pytest.mark.parametrize("values", list(itertools.product([False, True], repeat=3)))
def test_negated_compounds_follow_their_truth_table(evaluator: Evaluator, values: tuple[bool, ...]) -> None:
    wellbeing = {name: (4 if holds else 2) for name, holds in zip(FIELDS, values, strict=True)}
    fired = set(evaluator.evaluate({"athlete_id": "t", "date": "2026-11-24", "wellbeing": wellbeing}).fired_rule_ids)
    for stem, (_, meaning) in RULES.items():
        assert (stem.split("-", 1)[0] in fired) == meaning(values), (stem, values)


def test_a_negated_compound_on_missing_data_does_not_fire(evaluator: Evaluator) -> None:
    fired = evaluator.evaluate({"athlete_id": "t", "date": "2026-11-24", "wellbeing": {"fatigue": 2}}).fired_rule_ids
    # stress and mood unknown: only "not all" is sure (fatigue 2 already breaks the "all")
    assert {"XD01", "XD02", "XD03", "XD05"} & set(fired) == {"XD02"}
