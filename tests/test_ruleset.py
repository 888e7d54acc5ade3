"""The rule loader reports every problem with its file and line, and accepts a good rule set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runstrong.rules.ruleset import load_ruleset
from runstrong.util.errors import RuleSetError
from runstrong.util.paths import default_knowledge_dir

GOOD_RULE = """\
id: XX01
name: short-sleep
title: Short sleep
salience: 50
grade: C
when:
  - wellbeing.sleep_h_avg_7d < $SLEEP
then:
  - adjustment: sleep-priority
  - conclude: poor-sleep
rationale: Sleep matters.
evidence: [milewski-2014]
examples:
  fires:
    - name: six-hours
      snapshot: {wellbeing: {sleep_h_avg_7d: 6}}
  does_not_fire:
    - name: nine-hours
      snapshot: {wellbeing: {sleep_h_avg_7d: 9}}
"""


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    (folder / "xx").mkdir(parents=True)
    (folder / "ruleset.yaml").write_text('version: "t1"\n')
    return folder


def _write(rules_dir: Path, name: str, text: str) -> Path:
    path = rules_dir / "xx" / name
    path.write_text(text)
    return path


def _problems(rules_dir: Path) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(rules_dir, default_knowledge_dir())
    return [str(p) for p in caught.value.problems]


def _threshold(_rules_dir: Path) -> str:
    from runstrong.rules.knowledge import load_knowledge

    return next(iter(load_knowledge(default_knowledge_dir()).thresholds))


def test_a_good_rule_loads(rules_dir: Path) -> None:
    name = _threshold(rules_dir)
    _write(rules_dir, "XX01-short-sleep.yaml", GOOD_RULE.replace("SLEEP", name))
    ruleset = load_ruleset(rules_dir, default_knowledge_dir())
    assert [r.id for r in ruleset.rules] == ["XX01"]
    assert ruleset.version == "t1"
    assert len(ruleset.digest) == 16


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("wellbeing.sleep_h_avg_7d <", "wellbeing.sleep_avg <"), 7, "unknown field 'wellbeing.sleep_avg'"),
        (("$SLEEP", "$no_such_threshold"), 7, "unknown threshold '$no_such_threshold'"),
        (("sleep-priority", "sleep-more"), 9, "unknown adjustment 'sleep-more'"),
        (("[milewski-2014]", "[nobody-1999]"), 12, "unknown evidence key 'nobody-1999'"),
        (
            ("  does_not_fire:\n    - name: nine-hours\n      snapshot: {wellbeing: {sleep_h_avg_7d: 9}}\n", ""),
            13,
            "'does_not_fire' is a required property",
        ),
        (("{sleep_h_avg_7d: 9}", "{sleep_h: 9}"), 19, "not a valid snapshot: wellbeing.sleep_h: unknown field"),
        (("< $SLEEP", "== high"), 7, "'wellbeing.sleep_h_avg_7d' is a number; got 'high'"),
        (("wellbeing.sleep_h_avg_7d < $SLEEP", "plan.phase == [power]"), 7, "use 'in' for a list"),
    ],
)
def test_problems_name_file_and_line(rules_dir: Path, change: tuple[str, str], line: int, message: str) -> None:
    text = GOOD_RULE.replace(*change).replace("SLEEP", _threshold(rules_dir))
    path = _write(rules_dir, "XX01-short-sleep.yaml", text)
    problems = _problems(rules_dir)
    assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), problems


def test_duplicate_ids_and_file_names_are_reported(rules_dir: Path) -> None:
    text = GOOD_RULE.replace("SLEEP", _threshold(rules_dir))
    _write(rules_dir, "XX01-short-sleep.yaml", text)
    _write(rules_dir, "XX01-other-name.yaml", text)
    problems = "\n".join(_problems(rules_dir))
    assert "duplicate rule id XX01" in problems
    assert "file name should be XX01-short-sleep.yaml" in problems


def test_a_conclusion_nobody_gives_and_salience_order(rules_dir: Path) -> None:
    threshold = _threshold(rules_dir)
    _write(rules_dir, "XX01-short-sleep.yaml", GOOD_RULE.replace("SLEEP", threshold))
    chained = (
        GOOD_RULE.replace("SLEEP", threshold)
        .replace("XX01", "XX02")
        .replace("short-sleep", "chained")
        .replace(
            "  - wellbeing.sleep_h_avg_7d",
            "  - not: {concluded: poor-sleep}\n  - concluded: never-given\n  - wellbeing.sleep_h_avg_7d",
        )
        .replace("  - conclude: poor-sleep\n", "")
    )
    _write(rules_dir, "XX02-chained.yaml", chained)
    problems = "\n".join(_problems(rules_dir))
    assert "'concluded: never-given': no rule concludes it" in problems
    assert "salience (50) must be below XX01's (50)" in problems


def test_bad_yaml_is_reported_with_its_line(rules_dir: Path) -> None:
    path = _write(rules_dir, "XX01-short-sleep.yaml", "id: XX01\ntitle: a: b\n")
    assert any(p.startswith(f"{path}:2:") and "not valid YAML" in p for p in _problems(rules_dir))


def test_knowledge_references_are_checked(tmp_path: Path, rules_dir: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), knowledge)
    text = (knowledge / "adjustments.yaml").read_text()
    (knowledge / "adjustments.yaml").write_text(text.replace("exercises: [", "exercises: [no-such-exercise, ", 1))
    _write(rules_dir, "XX01-short-sleep.yaml", GOOD_RULE.replace("SLEEP", _threshold(rules_dir)))
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(rules_dir, knowledge)
    assert any(
        "unknown exercise 'no-such-exercise'" in str(p) and "adjustments.yaml:" in str(p) for p in caught.value.problems
    )


def test_the_bundled_rule_set_is_clean_and_sized(ruleset) -> None:  # type: ignore[no-untyped-def]
    assert 40 <= len(ruleset.rules) <= 90
    groups = {rule.id[:2] for rule in ruleset.rules}
    assert {"RF", "TD", "SP", "LV", "SW", "CG", "GP", "PL", "IH", "RD"} <= groups
