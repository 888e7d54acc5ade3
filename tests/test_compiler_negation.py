"""Negated comparisons on a missing field: the rule does not fire, and why-not says unknown.

"Unknown is never fine": `not: wellbeing.sleep_h_avg_7d < 6` must need the sleep value to be
known and at least 6; compiling it as NOT(sleep < 6) would fire whenever sleep is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runstrong.cli.main import cli
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.outcome import FALSE, TRUE, UNKNOWN
from runstrong.explain.whynot import why_not
from runstrong.rules.model import RuleSet
from runstrong.rules.ruleset import load_ruleset
from runstrong.util.paths import default_knowledge_dir

BASE = {"athlete_id": "t", "date": "2026-11-24"}
GOOD_SLEEP = {"sleep_h_avg_7d": 8, "fatigue": 3, "stress": 3}
SHORT_SLEEP = {"sleep_h_avg_7d": 5, "fatigue": 3, "stress": 3}

# Each rule's condition; each holds for GOOD_SLEEP and fails for SHORT_SLEEP.
RULES = {
    "XN01-plain-not": '  - not: "wellbeing.sleep_h_avg_7d < 6"\n',
    "XN02-not-in-any": ('  - any:\n      - not: "wellbeing.sleep_h_avg_7d < 6"\n      - "wellbeing.fatigue >= 5"\n'),
    "XN03-not-in-all": ('  - all:\n      - not: "wellbeing.sleep_h_avg_7d < 6"\n      - "wellbeing.fatigue <= 5"\n'),
    "XN04-not-in-at-least": (
        "  - at_least: 3\n"
        "    of:\n"
        '      - not: "wellbeing.sleep_h_avg_7d < 6"\n'
        '      - "wellbeing.fatigue <= 5"\n'
        '      - "wellbeing.stress <= 5"\n'
        '      - "wellbeing.stress >= 5"\n'
    ),
}
IDS = [stem.split("-", 1)[0] for stem in RULES]


def _write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ruleset.yaml").write_text("version: '0.1'\n", encoding="utf-8")
    for stem, when in RULES.items():
        rule_id, name = stem.split("-", 1)
        text = (
            f"id: {rule_id}\nname: {name}\ntitle: {name}\ngrade: H\n"
            f"when:\n{when}"
            "then:\n  - adjustment: reduce-load\n    params: {percent: 10}\n"
            "rationale: test rule\nevidence: [milewski-2014]\n"
            "examples:\n"
            f"  fires:\n    - name: good-sleep\n      snapshot: {{wellbeing: {json.dumps(GOOD_SLEEP)}}}\n"
            f"  does_not_fire:\n    - name: short-sleep\n      snapshot: {{wellbeing: {json.dumps(SHORT_SLEEP)}}}\n"
        )
        (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("negation") / "rules")


@pytest.fixture(scope="module")
def tiny(rules_dir: Path) -> RuleSet:
    return load_ruleset(rules_dir, default_knowledge_dir())


@pytest.fixture(scope="module")
def engine(tiny: RuleSet) -> Evaluator:
    return Evaluator(tiny)


def _fired(engine: Evaluator, wellbeing: dict) -> set[str]:
    return {firing.rule.id for firing in engine.evaluate({**BASE, "wellbeing": wellbeing}).firings}


@pytest.mark.parametrize("rule_id", IDS)
def test_missing_field_under_not_does_not_fire_and_is_unknown(tiny: RuleSet, engine: Evaluator, rule_id: str) -> None:
    wellbeing = {"fatigue": 3, "stress": 3}  # sleep is missing
    assert rule_id not in _fired(engine, wellbeing)
    report = why_not(tiny, engine.evaluate({**BASE, "wellbeing": wellbeing}), tiny.rule(rule_id))
    assert not report["fired"]
    assert report["result"] == UNKNOWN, report["result"]
    sleep = [b for b in report["blocking"] if b.get("field") == "wellbeing.sleep_h_avg_7d"]
    assert sleep and all(b["result"] == UNKNOWN and b["known"] is False for b in sleep), report["blocking"]


@pytest.mark.parametrize("rule_id", IDS)
def test_known_field_where_the_negation_holds_fires(tiny: RuleSet, engine: Evaluator, rule_id: str) -> None:
    assert rule_id in _fired(engine, GOOD_SLEEP)
    report = why_not(tiny, engine.evaluate({**BASE, "wellbeing": GOOD_SLEEP}), tiny.rule(rule_id))
    assert report["fired"] and report["result"] == TRUE


@pytest.mark.parametrize("rule_id", IDS)
def test_known_field_where_the_negation_fails_does_not_fire(tiny: RuleSet, engine: Evaluator, rule_id: str) -> None:
    assert rule_id not in _fired(engine, SHORT_SLEEP)
    report = why_not(tiny, engine.evaluate({**BASE, "wellbeing": SHORT_SLEEP}), tiny.rule(rule_id))
    assert not report["fired"] and report["result"] == FALSE


def test_explain_rule_json_says_unknown(rules_dir: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "s.json"
    snapshot.write_text(json.dumps({**BASE, "wellbeing": {"fatigue": 3, "stress": 3}}), encoding="utf-8")
    for rule_id in IDS:
        args = ["explain", str(snapshot), "--rule", rule_id, "--rules", str(rules_dir), "-f", "json"]
        out = CliRunner().invoke(cli, args)
        assert out.exit_code == 0, out.output
        data = json.loads(out.output)
        assert data["fired"] is False and data["why"]["result"] == UNKNOWN, (rule_id, data["why"]["result"])
        sleep = [b for b in data["why"]["blocking"] if b["field"] == "wellbeing.sleep_h_avg_7d"]
        assert sleep and sleep[0]["result"] == UNKNOWN and sleep[0]["value"] is None, data["why"]["blocking"]
