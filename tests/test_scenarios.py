"""Cross-rule scenarios: one realistic athlete per file in tests/scenarios/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runstrong.advice.result import recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.strict import load_yaml
from runstrong.snapshot.validation import validate

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"), str(path))
    return data


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(evaluator: Evaluator, path: Path) -> None:
    scenario = _load(path)
    result = recommend(evaluator, validate(scenario["snapshot"]))
    given = {rec["adjustment"] for rec in result["recommendations"]}
    expect = scenario["expect"]
    if "status" in expect:
        assert result["status"] == expect["status"], (result["status"], sorted(given))
    assert set(expect.get("includes", [])) <= given, sorted(given)
    assert not set(expect.get("excludes", [])) & given, sorted(given)
    suppressed = {s["adjustment"] for s in result["suppressed"]}
    assert set(expect.get("suppressed", [])) <= suppressed, sorted(suppressed)
    params = {rec["adjustment"]: rec.get("params") or {} for rec in result["recommendations"]}
    for adjustment, wanted in expect.get("params", {}).items():
        assert adjustment in params, (adjustment, sorted(given))
        for name, value in wanted.items():
            assert params[adjustment].get(name) == value, (adjustment, name, params[adjustment])


def test_scenarios_check_params() -> None:
    """Most scenarios pin the merged params of their kept advice, not only its adjustment ids."""
    with_params = [p.stem for p in SCENARIOS if _load(p)["expect"].get("params")]
    assert len(with_params) >= 8, with_params
