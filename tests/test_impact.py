"""`rules diff` finds the athletes whose advice two rule sets disagree on, and why;
`rules coverage` counts firings per rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runstrong.cli.main import cli
from runstrong.explain.impact import coverage, diff_cohort, read_cohort
from runstrong.rules.model import RuleSet
from runstrong.rules.ruleset import load_ruleset
from runstrong.util.paths import default_knowledge_dir
from tiny_rules import write_rules

COHORT = {
    "borderline": {"wellbeing": {"sleep_h_avg_7d": 6.8}},
    "short": {"wellbeing": {"sleep_h_avg_7d": 5.5}},
    "night": {"wellbeing": {"sleep_h_avg_7d": 8}, "symptoms": {"red_flags": ["night_pain"]}},
    "fine": {"wellbeing": {"sleep_h_avg_7d": 8}},
}


@pytest.fixture()
def rule_sets(tmp_path: Path) -> tuple[RuleSet, RuleSet]:
    base = write_rules(tmp_path / "base", "1", 7.0, night_pain=False)
    head = write_rules(tmp_path / "head", "2", 6.5, night_pain=True)
    return load_ruleset(base, default_knowledge_dir()), load_ruleset(head, default_knowledge_dir())


@pytest.fixture()
def cohort_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cohort"
    folder.mkdir()
    for name, body in COHORT.items():
        (folder / f"{name}.json").write_text(
            json.dumps({"athlete_id": name, "date": "2026-11-24", **body}), encoding="utf-8"
        )
    return folder


def test_diff_reports_changed_athletes_and_causing_rules(rule_sets: tuple[RuleSet, RuleSet], cohort_dir: Path) -> None:
    base, head = rule_sets
    report = diff_cohort(base, head, read_cohort(cohort_dir))
    assert report["athletes"] == 4 and report["changed_count"] == 2
    assert report["rule_changes"] == {"added": ["RF02"], "removed": [], "modified": ["SW01"]}
    changed = {entry["athlete_id"]: entry for entry in report["changed"]}
    assert set(changed) == {"borderline", "night"}
    borderline = changed["borderline"]
    assert borderline["status"] == ["amber", "green"]
    assert borderline["removed"] == [{"adjustment": "reduce-load", "rules": ["SW01"]}]
    assert borderline["no_longer_fire"] == ["SW01"] and borderline["causes"] == ["SW01"]
    night = changed["night"]
    assert night["added"] == [{"adjustment": "refer-to-clinician", "rules": ["RF02"]}]
    assert night["now_fire"] == ["RF02"] and night["status"] == ["green", "red"]
    assert {r["rule"]: r["athletes"] for r in report["summary"]["by_rule"]} == {"SW01": 1, "RF02": 1}
    assert report["summary"]["status"] == {"amber -> green": 1, "green -> red": 1}


def test_diff_command_text_and_jsonl_cohort(rule_sets: tuple[RuleSet, RuleSet], tmp_path: Path) -> None:
    base, head = rule_sets
    lines = tmp_path / "cohort.jsonl"
    lines.write_text(
        "".join(json.dumps({"athlete_id": n, "date": "2026-11-24", **b}) + "\n" for n, b in COHORT.items()),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["rules", "diff", "--base", str(base.rules_dir), "--head", str(head.rules_dir), str(lines)]
    )
    assert result.exit_code == 0, result.output
    assert "Advice changed for 2 of 4 athletes." in result.output
    assert "borderline 2026-11-24 (cohort.jsonl:1)" in result.output
    assert "- reduce-load (was from SW01)" in result.output
    assert "+ refer-to-clinician (from RF02)" in result.output
    markdown = CliRunner().invoke(
        cli,
        ["rules", "diff", "--base", str(base.rules_dir), "--head", str(head.rules_dir), str(lines), "-f", "markdown"],
    )
    assert "| rule | athletes |" in markdown.output


def test_identical_rule_sets_change_nothing(rule_sets: tuple[RuleSet, RuleSet], cohort_dir: Path) -> None:
    base, _ = rule_sets
    report = diff_cohort(base, base, read_cohort(cohort_dir))
    assert report["changed_count"] == 0 and report["rule_changes"]["modified"] == []


def test_coverage_counts_firings_and_never_fired(rule_sets: tuple[RuleSet, RuleSet], cohort_dir: Path) -> None:
    _, head = rule_sets
    report = coverage(head, read_cohort(cohort_dir))
    counts = {r["rule"]: r["fired"] for r in report["rules"]}
    assert counts == {"RF02": 1, "SW01": 1}
    assert report["never_fired"] == []
    result = CliRunner().invoke(cli, ["rules", "coverage", str(cohort_dir), "--rules", str(head.rules_dir)])
    assert result.exit_code == 0 and "Never fired: none." in result.output
    base, _ = rule_sets
    quiet = {"fine": COHORT["fine"]}
    folder = cohort_dir.parent / "quiet"
    folder.mkdir()
    (folder / "fine.yaml").write_text(
        "athlete_id: fine\ndate: 2026-11-24\nwellbeing: {sleep_h_avg_7d: 8}\n", encoding="utf-8"
    )
    assert coverage(base, read_cohort(folder))["never_fired"] == ["SW01"] and quiet


def test_bad_cohort_is_a_usage_error(tmp_path: Path) -> None:
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"athlete_id": "a", "date": "2026-11-24", "wellbeing": {"sleep": 3}}\nnope\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "coverage", str(lines)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output and "bad.jsonl:2: not valid JSON" in result.output


TENDON_RULE = """\
id: TD01
name: tendon-pain
title: Tendon pain too high
grade: C
when:
  - item: symptoms.tendon
    where: [pain_during_load > $tendon_pain_acceptable_max]
then:
  - adjustment: stop-painful-exercise
rationale: test rule
evidence: [silbernagel-2007]
examples:
  fires:
    - name: pain-eight
      snapshot: {symptoms: {tendon: [{site: achilles, pain_during_load: 8}]}}
  does_not_fire:
    - name: pain-two
      snapshot: {symptoms: {tendon: [{site: achilles, pain_during_load: 2}]}}
"""


def test_a_threshold_change_inside_an_item_condition_marks_the_rule_changed(tmp_path: Path) -> None:
    import shutil

    from runstrong.explain.impact import Member, rule_changes

    rules = write_rules(tmp_path / "rules", "1", 7.0, night_pain=False)
    (rules / "TD01-tendon-pain.yaml").write_text(TENDON_RULE, encoding="utf-8")
    knowledge = shutil.copytree(default_knowledge_dir(), tmp_path / "knowledge")
    thresholds = knowledge / "thresholds.yaml"
    text = thresholds.read_text(encoding="utf-8")
    start = text.index("tendon_pain_acceptable_max:")
    value = text.index("value:", start)
    end = text.index("\n", value)
    thresholds.write_text(text[:value] + "value: 6" + text[end:], encoding="utf-8")
    base, head = load_ruleset(rules, default_knowledge_dir()), load_ruleset(rules, knowledge)
    assert rule_changes(base, head)["modified"] == ["TD01"]
    member = Member(
        "m",
        {
            "athlete_id": "m",
            "date": "2026-11-24",
            "symptoms": {"tendon": [{"site": "achilles", "pain_during_load": 6}]},
        },
    )
    [entry] = diff_cohort(base, head, [member])["changed"]
    assert entry["removed"] == [{"adjustment": "stop-painful-exercise", "rules": ["TD01"]}]


def test_diff_says_which_conditions_changed(rule_sets: tuple[RuleSet, RuleSet], cohort_dir: Path) -> None:
    base, head = rule_sets
    report = diff_cohort(base, head, read_cohort(cohort_dir))
    reasons = {e["athlete_id"]: e["reasons"] for e in report["changed"]}
    [stopped] = reasons["borderline"]
    assert stopped["rule"] == "SW01" and stopped["change"] == "no longer fires"
    [condition] = stopped["conditions"]
    assert condition["value"] == 6.8 and condition["result"] == "false"
    [started] = reasons["night"]
    assert started["change"] == "is new and fires" and started["conditions"][0]["result"] == "true"
