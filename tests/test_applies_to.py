"""`applies_to`: nothing is asked, listed as not known or concluded that cannot apply to the
athlete's sex and age; an unknown sex or age rules nothing out; `rules check` refuses a malformed
one with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from runstrong.advice.result import recommend
from runstrong.cli.main import cli
from runstrong.consult.dialogue import Consultation, answer_from, run_dialogue
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.snapshot.applies import AGE, SEX, AppliesTo
from runstrong.snapshot.facts import UNKNOWN_KEY, athlete_values
from runstrong.snapshot.partial import RED_FLAGS, Partial
from runstrong.snapshot.validation import validate
from runstrong.util.paths import default_knowledge_dir
from strategies import athletes, snapshots

PERIODS = "energy.menstrual_status"


@pytest.mark.parametrize(
    ("sex", "age", "out"),
    [(None, None, False), ("male", None, True), ("female", None, False), (None, 49, True), ("other", 44, False)],
)
def test_a_known_sex_or_age_outside_rules_out_an_unknown_one_never(sex: Any, age: Any, out: bool) -> None:
    assert AppliesTo(("female", "other"), None, 44).rules_out(sex, age) is out


def test_a_field_outside_its_applies_to_is_neither_known_nor_unknown(ruleset: RuleSet) -> None:
    applies = ruleset.knowledge.field_applies
    man = athlete_values(validate({"athlete_id": "a", "date": "2026-12-01", "profile": {"sex": "male"}}), applies)
    woman = athlete_values(validate({"athlete_id": "a", "date": "2026-12-01", "profile": {"sex": "female"}}), applies)
    assert PERIODS not in man and PERIODS not in man[UNKNOWN_KEY]
    assert PERIODS in woman[UNKNOWN_KEY]  # her age is not known: it may apply
    given_anyway = {"athlete_id": "a", "date": "2026-12-01", "profile": {"sex": "male"}, "energy": {}}
    given_anyway["energy"][PERIODS.split(".")[1]] = "irregular"
    assert PERIODS not in athlete_values(validate(given_anyway), applies)


def test_the_woman_of_49_with_irregular_periods_is_not_held_back(evaluator: Evaluator) -> None:
    snapshot = {"athlete_id": "a", "date": "2026-12-01", "profile": {"sex": "female", "age": 49}}
    snapshot["energy"] = {"menstrual_status": "irregular"}
    assert "EA02" not in evaluator.evaluate(validate(snapshot)).fired_rule_ids
    snapshot["profile"]["age"] = 30
    assert "EA02" in evaluator.evaluate(validate(snapshot)).fired_rule_ids


def test_a_man_reporting_missed_periods_gets_no_referral_for_it(evaluator: Evaluator) -> None:
    man = {"athlete_id": "a", "date": "2026-12-01", "profile": {"sex": "male"}}
    snapshot = validate({**man, "symptoms": {"red_flags": ["missed_periods"]}})
    result = recommend(evaluator, snapshot)
    assert result["status"] != "red" and "RF07" not in [f["rule"] for f in result["fired"]]


# ---------------------------------------------------------------- rules check


def _check(rules: Path, knowledge: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["rules", "check", "--rules", str(rules), "--knowledge", str(knowledge)])
    assert result.exit_code == 2, result.output
    return [line.strip() for line in result.stderr.splitlines()[1:]]


RULE = """\
id: XX01
name: periods
title: Periods
grade: C
applies_to: APPLIES
when:
  - energy.menstrual_status == absent
then:
  - adjustment: sleep-priority
rationale: Test.
evidence: [mountjoy-2023]
examples:
  fires:
    - name: absent
      snapshot: {energy: {menstrual_status: absent}}
  does_not_fire:
    - name: regular
      snapshot: {energy: {menstrual_status: regular}}
"""


@pytest.mark.parametrize(
    ("applies", "message"),
    [
        ("{sex: [women]}", "5: applies_to.sex.0: 'women' is not one of"),
        ("{age: {max: $no_such_age}}", "5: applies_to: unknown threshold '$no_such_age'"),
        ("{age: {min: 50, max: 40}}", "5: applies_to: age min 50 is above max 40"),
        ("{age: {oldest: 40}}", "5: applies_to.age: unknown key 'oldest'"),
        ("{}", "5: applies_to: give `sex: [...]`, `age: {min: N, max: N}` or both"),
    ],
)
def test_a_malformed_applies_to_in_a_rule_is_refused_at_its_line(tmp_path: Path, applies: str, message: str) -> None:
    rules = tmp_path / "rules"
    (rules / "xx").mkdir(parents=True)
    (rules / "ruleset.yaml").write_text('version: "t1"\n')
    path = rules / "xx" / "XX01-periods.yaml"
    path.write_text(RULE.replace("APPLIES", applies))
    problems = _check(rules, default_knowledge_dir())
    assert len(problems) == 1 and problems[0].startswith(f"{path}:{message}"), problems


def test_a_malformed_applies_to_in_the_knowledge_is_refused_at_its_line(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), knowledge)
    fields = knowledge / "fields.yaml"
    fields.write_text(
        fields.read_text().replace("{sex: [male], age: {min: $adult_age}}", "{sex: [male], age: {min: $adults}}")
        + "energy.not_a_field:\n  applies_to: {sex: [male]}\n  why: Test.\n"
    )
    problems = _check(Path(__file__).resolve().parent.parent / "rules", knowledge)
    lines = fields.read_text().splitlines()
    bound = next(n for n, line in enumerate(lines, 1) if "$adults" in line)
    extra = next(n for n, line in enumerate(lines, 1) if line.startswith("energy.not_a_field"))
    assert problems == [
        f"{fields}:{bound}: energy.reduced_morning_erections.applies_to: unknown threshold '$adults'",
        f"{fields}:{extra}: energy.not_a_field: not a snapshot field that can depend on sex or age "
        "(see docs/snapshot-format.md)",
    ]


# ---------------------------------------------------------------- properties


def _outside(applies: AppliesTo | None, athlete: dict[str, Any]) -> bool:
    return applies is not None and applies.excludes(athlete)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshots)
def test_nothing_is_concluded_or_listed_that_cannot_apply(evaluator: Evaluator, data: dict[str, Any]) -> None:
    snapshot = validate(data)
    knowledge = evaluator.ruleset.knowledge
    evaluation = evaluator.evaluate(snapshot)
    athlete = evaluation.athlete
    for firing in evaluation.firings:
        assert not _outside(firing.rule.applies_to, athlete), firing.rule.id
        assert not any(_outside(knowledge.field_applies.get(name), athlete) for name in firing.matched_values())
    for entry in recommend(evaluator, snapshot)["unknown"]:
        applies = knowledge.field_applies.get(entry["field"])
        assert not _outside(applies, athlete), entry
        # while the sex or age it depends on is unknown, that is listed instead
        assert applies is None or all(gate in athlete for gate in applies.gates), entry


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(athletes())
def test_the_consultation_asks_nothing_that_cannot_apply(evaluator: Evaluator, snapshot: dict[str, Any]) -> None:
    consultation = Consultation(evaluator, Partial(), snapshot["athlete_id"], snapshot["date"])
    knowledge = evaluator.ruleset.knowledge
    profile = {path: value for path in (SEX, AGE) if (value := _get(snapshot, path)) is not None}

    def ask() -> str:
        question = consultation.next_question()
        assert question is not None
        slot, partial = question.slot, consultation.partial
        known = partial.scalars_known()
        if slot[0] == "field":
            assert not _outside(knowledge.field_applies.get(slot[1]), known), slot
            assert all(gate in partial.scalars for gate in _gates(knowledge.field_applies.get(slot[1]))), slot
        if slot[0] == "flag":
            assert not _outside(knowledge.red_flags[slot[1]].applies_to, known), slot
        if slot == ("list", RED_FLAGS):
            for flag in knowledge.red_flags.values():
                if _outside(flag.applies_to, profile):
                    assert flag.label not in question.text, question.text
        return answer_from(snapshot, slot, partial)

    assert run_dialogue(consultation, ask, lambda _line: None)


def _gates(applies: AppliesTo | None) -> tuple[str, ...]:
    return applies.gates if applies else ()


def _get(snapshot: dict[str, Any], path: str) -> Any:
    section, name = path.split(".")
    return snapshot.get(section, {}).get(name)


def test_what_would_change_never_changes_a_known_sex_or_age(evaluator: Evaluator) -> None:
    """Ageing an adult to 17 or 50 is no advice: who the athlete is stays as known."""
    from runstrong.explain.trace import explain

    snapshot = {"athlete_id": "a", "date": "2026-12-01", "profile": {"age": 45, "sex": "male"}}
    snapshot["symptoms"] = {"soreness": [{"region": "knee", "level": 3}], "red_flags": []}
    snapshot["plan"] = {
        "gym_sessions": [{"day": d, "intensity": "high", "muscle_groups": ["quadriceps"]} for d in ("mon", "wed")]
    }
    doc = explain(evaluator, evaluator.evaluate(validate(snapshot)))
    changed = {change["path"] for entry in doc["what_would_change"] for change in entry["changes"]}
    assert changed and not changed & {SEX, AGE}
