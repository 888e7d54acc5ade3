"""What a reader needs is in the rendered advice: headline, actions, reasons and values, per
format and audience, and no engine notation outside the trace."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import ROOT
from runstrong.cli.main import cli
from runstrong.rules.model import RuleSet

ACHILLES = "examples/achilles-flare-up.yaml"
HEADLINE = "AMBER: ease off this week"
INSTRUCTION = "Achilles: stop calf raises, heel drops, hopping and any exercise that takes the Achilles above 5/10."
REASON = "Achilles pain 6/10 during loading (acceptable up to 5/10)"
DELOAD = "loads 20 % lighter"
ENGINE_NOTATION = re.compile(r"\$[a-z]|[a-z_]+\[\d+\]|-> holds|= None")


def _run(*args: str) -> str:
    out = CliRunner().invoke(cli, [args[0], str(ROOT / ACHILLES), *args[1:]])
    assert out.exit_code == 0, out.output
    return out.output


def _flat(text: str) -> str:
    """Text with wrapping and markdown emphasis undone."""
    return " ".join(text.replace("**", "").replace("*", "").split())


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_recommend_shows_headline_instruction_reason_and_values(fmt: str) -> None:
    text = _flat(_run("recommend", "-f", fmt))
    for wanted in (HEADLINE, INSTRUCTION, REASON, DELOAD):
        assert wanted in text, (wanted, text[:600])
    assert text.index(HEADLINE) < text.index(INSTRUCTION)
    assert not ENGINE_NOTATION.search(text), ENGINE_NOTATION.search(text)


def test_recommend_json_summary_names_real_adjustments(ruleset: RuleSet) -> None:
    data = json.loads(_run("recommend", "-f", "json"))
    summary = data["summary"]
    assert summary["headline"] == HEADLINE
    assert REASON in summary["reasons"]
    actions = summary["actions"]
    assert 1 <= len(actions) <= 3
    kept = [rec["adjustment"] for rec in data["recommendations"]]
    for action in actions:
        assert action["adjustment"] in ruleset.knowledge.adjustments, action
        assert action["adjustment"] in kept, (action, kept)
        assert action["text"].strip()
    assert actions[0]["adjustment"] == "stop-painful-exercise"
    assert actions[0]["text"].startswith(INSTRUCTION)
    assert data["status"] == "amber"


@pytest.mark.parametrize("audience", ["athlete", "coach", "clinician"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_explain_has_the_actions_and_no_engine_notation(audience: str, fmt: str) -> None:
    text = _run("explain", "--audience", audience, "-f", fmt)
    found = ENGINE_NOTATION.search(text)
    assert not found, (audience, fmt, text[max(0, found.start() - 80) : found.end() + 80])
    flat = _flat(text)
    assert "Achilles" in flat and "stop calf raises" in flat, (audience, flat[:600])
    assert "6/10" in flat, (audience, flat[:600])
    if audience == "clinician":
        assert "Am J Sports Med" in flat, flat[-1500:]
