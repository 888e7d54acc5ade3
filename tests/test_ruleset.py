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
    assert 40 <= len(ruleset.rules) <= 160
    groups = {rule.id[:2] for rule in ruleset.rules}
    assert {"RF", "TD", "SP", "LV", "SW", "CG", "GP", "PL", "IH", "RD", "RR", "EA"} <= groups


# ---------------------------------------------------------------- hostile and malformed input


def _cli_problems(rules_dir: Path, knowledge_dir: Path | None = None) -> list[str]:
    """`rules check` on a broken set: exit 2, no traceback; the problems it printed."""
    from click.testing import CliRunner

    from runstrong.cli.main import cli

    knowledge = knowledge_dir or default_knowledge_dir()
    result = CliRunner().invoke(cli, ["rules", "check", "--rules", str(rules_dir), "--knowledge", str(knowledge)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert result.stderr.startswith("runstrong: invalid rule set:\n"), result.stderr
    return [line.strip() for line in result.stderr.splitlines()[1:]]


def _rule(rule_id: str, name: str, when: list[str], concludes: list[str], salience: int = 50) -> str:
    """A rule that concludes `concludes` when every line of `when` holds (and sleep is short)."""
    conditions = "".join(f"  - {condition}\n" for condition in when)
    actions = "".join(f"  - conclude: {conclusion}\n" for conclusion in concludes)
    return (
        GOOD_RULE.replace("XX01", rule_id)
        .replace("short-sleep", name)
        .replace("salience: 50", f"salience: {salience}")
        .replace("  - wellbeing.sleep_h_avg_7d", f"{conditions}  - wellbeing.sleep_h_avg_7d")
        .replace("  - adjustment: sleep-priority\n  - conclude: poor-sleep\n", actions)
    )


def _write_rules(rules_dir: Path, *rules: tuple[str, str, list[str], list[str]]) -> dict[str, Path]:
    threshold = _threshold(rules_dir)
    return {
        rule_id: _write(
            rules_dir, f"{rule_id}-{name}.yaml", _rule(rule_id, name, when, gives).replace("SLEEP", threshold)
        )
        for rule_id, name, when, gives in rules
    }


def test_every_bundled_source_is_cited(ruleset) -> None:  # type: ignore[no-untyped-def]
    """A source in evidence.yaml is there because a rule, a threshold or a dose stands on it."""
    cited = {key for rule in ruleset.rules for key in rule.evidence}
    cited |= {threshold.source for threshold in ruleset.knowledge.thresholds.values()}
    cited |= ruleset.knowledge.programming.sources()
    assert set(ruleset.knowledge.evidence) - cited == set()


def test_a_cycle_of_conclusions_nothing_starts_is_reported_once(rules_dir: Path) -> None:
    files = _write_rules(
        rules_dir,
        ("XX02", "tired", ["concluded: poor-sleep"], ["tired"]),
        ("XX03", "poor-sleep", ["concluded: tired"], ["poor-sleep"]),
    )
    expected = (
        f"{files['XX02']}:7: cycle of conclusions: XX02 concludes 'tired' from 'poor-sleep', "
        "XX03 concludes 'poor-sleep' from 'tired'; no rule outside the cycle can conclude 'poor-sleep' or "
        "'tired', so these rules never fire"
    )
    assert _problems(rules_dir) == [expected]
    assert _cli_problems(rules_dir) == [expected]


def test_a_rule_that_needs_its_own_conclusion_is_a_cycle(rules_dir: Path) -> None:
    files = _write_rules(rules_dir, ("XX02", "tired", ["any: [concluded: tired, concluded: tired]"], ["tired"]))
    assert _cli_problems(rules_dir) == [
        f"{files['XX02']}:7: cycle of conclusions: XX02 concludes 'tired' from 'tired'; "
        "no rule outside the cycle can conclude 'tired', so this rule never fires"
    ]


def test_a_cycle_another_rule_starts_is_allowed(rules_dir: Path) -> None:
    _write_rules(
        rules_dir,
        ("XX01", "start", [], ["tired"]),
        ("XX02", "tired", ["concluded: poor-sleep"], ["tired"]),
        ("XX03", "poor-sleep", ["any: [concluded: tired, concluded: never-given]"], ["poor-sleep"]),
    )
    assert _problems(rules_dir) == [
        f"{rules_dir / 'xx' / 'XX03-poor-sleep.yaml'}:7: 'concluded: never-given': no rule concludes it"
    ]


def test_a_cycle_through_a_negation_is_reported_instead_of_salience(rules_dir: Path) -> None:
    files = _write_rules(
        rules_dir,
        ("XX02", "rested", ["concluded: fine", "not: {concluded: tired}"], ["rested"]),
        ("XX03", "tired", ["concluded: rested"], ["tired"]),
        ("XX04", "fine", [], ["fine"]),
    )
    expected = (
        f"{files['XX02']}:8: cycle of conclusions through a negation: XX02 concludes 'rested' unless 'tired', "
        "XX03 concludes 'tired' from 'rested'; what fires would depend on firing order, which salience cannot "
        "settle: break the cycle"
    )
    assert _problems(rules_dir) == [expected]
    assert _cli_problems(rules_dir) == [expected]


def test_conclusion_problems_are_at_the_line_of_their_condition(rules_dir: Path) -> None:
    files = _write_rules(
        rules_dir,
        ("XX01", "start", [], ["tired"]),
        ("XX02", "rested", ["concluded: never-given", "not: {concluded: tired}"], ["rested"]),
    )
    assert _cli_problems(rules_dir) == [
        f"{files['XX02']}:7: 'concluded: never-given': no rule concludes it",
        f"{files['XX02']}:8: tests that 'tired' is not concluded, so its salience (50) must be below XX01's (50), "
        "which concludes it",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("title:", "titel:"), "3: unknown key 'titel' (did you mean 'title'?)"),
        (
            ("  - adjustment: sleep-priority\n", "  - adjustment: sleep-priority\n    parms: {}\n"),
            "10: then.0: unknown key 'parms' (did you mean 'params'?)",
        ),
        (("  - adjustment:", "  - adjustmnt:"), "9: then.0: unknown key 'adjustmnt' (did you mean 'adjustment'?)"),
        (("  fires:", "  fire:"), "14: examples: unknown key 'fire' (did you mean 'fires'?)"),
        (
            ("      snapshot: {wellbeing: {sleep_h_avg_7d: 9}}", "      snapshop: {wellbeing: {sleep_h_avg_7d: 9}}"),
            "19: examples.does_not_fire.0: unknown key 'snapshop' (did you mean 'snapshot'?)",
        ),
        (
            (
                "  - wellbeing.sleep_h_avg_7d",
                "  - item: symptoms.soreness\n    wher: [level > 3]\n  - wellbeing.sleep_h_avg_7d",
            ),
            "8: unknown key 'wher' in an item condition (did you mean 'where'?)",
        ),
        (
            ("  - wellbeing.sleep_h_avg_7d", "  - concludd: poor-sleep\n  - wellbeing.sleep_h_avg_7d"),
            "7: unknown key 'concludd' in a condition (did you mean 'concluded'?)",
        ),
    ],
)
def test_an_unknown_key_is_reported_at_its_own_line(rules_dir: Path, change: tuple[str, str], expected: str) -> None:
    path = _write(
        rules_dir, "XX01-short-sleep.yaml", GOOD_RULE.replace(*change).replace("SLEEP", _threshold(rules_dir))
    )
    assert _cli_problems(rules_dir) == [f"{path}:{expected}"]


def test_an_unknown_key_in_a_knowledge_file_is_reported_at_its_own_line(tmp_path: Path, rules_dir: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), knowledge)
    thresholds = knowledge / "thresholds.yaml"
    lines = thresholds.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("  value:"))
    name = next(line for line in reversed(lines[:number]) if not line.startswith(" "))[:-2]
    lines[number] = lines[number].replace("value:", "valeu:")
    thresholds.write_text("".join(lines))
    _write(rules_dir, "XX01-short-sleep.yaml", GOOD_RULE.replace("SLEEP", _threshold(rules_dir)))
    assert _cli_problems(rules_dir, knowledge) == [
        f"{thresholds}:{number + 1}: {name}: unknown key 'valeu' (did you mean 'value'?)"
    ]


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ("- version: '1'\n", "1: expected a mapping of `key: value` lines at the top level; got a list"),
        ("3\n", "1: expected a mapping of `key: value` lines at the top level; got 3"),
        ("# nothing yet\n", "1: the file is empty (or only comments): expected a mapping of `key: value` lines"),
        ("name: core\n", "1: 'version' is a required property"),
        ("name: core\nversion: 1.10\n", '2: version: expected text; got 1.1 (write it in quotes, e.g. version: "1.0")'),
        ("verison: '1'\n", "1: unknown key 'verison' (did you mean 'version'?)"),
    ],
)
def test_a_broken_manifest_is_reported_at_its_line(rules_dir: Path, manifest: str, expected: str) -> None:
    (rules_dir / "ruleset.yaml").write_text(manifest)
    _write(rules_dir, "XX01-short-sleep.yaml", GOOD_RULE.replace("SLEEP", _threshold(rules_dir)))
    assert _cli_problems(rules_dir) == [f"{rules_dir / 'ruleset.yaml'}:{expected}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- id: XX01\n", "1: expected a mapping of `key: value` lines at the top level; got a list"),
        ('"XX01"\n', '1: expected a mapping of `key: value` lines at the top level; got "XX01"'),
        ("", "1: the file is empty (or only comments): expected a mapping of `key: value` lines"),
    ],
)
def test_a_rule_file_that_is_not_a_mapping(rules_dir: Path, text: str, expected: str) -> None:
    path = _write(rules_dir, "XX01-short-sleep.yaml", text)
    assert _cli_problems(rules_dir) == [f"{path}:{expected}"]


def test_a_rule_file_that_is_not_utf8_names_the_position(rules_dir: Path) -> None:
    path = rules_dir / "xx" / "XX01-short-sleep.yaml"
    path.write_bytes(
        GOOD_RULE.replace("SLEEP", _threshold(rules_dir)).replace("Short sleep", "Caf\xe9").encode("latin-1")
    )
    assert _cli_problems(rules_dir) == [
        f"{path}:3: not UTF-8 text: byte 0xe9 at column 11 (byte 37 of the file); save the file as UTF-8"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, "missing knowledge file"),
        ("", "1: the file is empty (or only comments): expected a mapping of `key: value` lines"),
        ("- a\n- b\n", "1: expected a mapping of `key: value` lines at the top level; got a list"),
    ],
)
def test_a_knowledge_file_missing_empty_or_not_a_mapping(
    tmp_path: Path, rules_dir: Path, text: str | None, expected: str
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), knowledge)
    phases = knowledge / "phases.yaml"
    if text is None:
        phases.unlink()
    else:
        phases.write_text(text)
    _write(rules_dir, "XX01-short-sleep.yaml", GOOD_RULE.replace("SLEEP", _threshold(rules_dir)))
    separator = ":" if text is not None else ": "
    assert _cli_problems(rules_dir, knowledge) == [f"{phases}{separator}{expected}"]


def test_a_long_chain_of_conclusions_is_checked_without_recursion() -> None:
    from runstrong.rules.conditions import AllOf, Concluded
    from runstrong.rules.crosscheck import rule_set_problems
    from runstrong.rules.model import Action, Rule

    def rule(number: int, needs: str | None, gives: str) -> Rule:
        when = AllOf((Concluded(needs),) if needs else ())
        return Rule(
            f"XX{number}", "n", "t", 0, "H", when, (Action(conclude=gives),), "r", (), (), Path(f"{number}.yaml")
        )

    size = 5000
    started = [rule(i, f"c{i + 1}", f"c{i}") for i in range(size)] + [rule(size, None, f"c{size}")]
    assert rule_set_problems(started) == []
    cycle = [rule(i, f"c{(i + 1) % size}", f"c{i}") for i in range(size)]
    (problem,) = rule_set_problems(cycle)
    assert problem.message.startswith("cycle of conclusions: XX0 concludes 'c0' from 'c1', XX1 concludes 'c1' from")
    assert (
        "and 4993 more rules; " in problem.message
        and "'c1002' or 4993 more, so these rules never fire" in problem.message
    )
