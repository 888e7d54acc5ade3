"""Shared fixtures: the bundled rule set and one evaluator for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.rules.ruleset import load_ruleset
from runstrong.util.paths import default_knowledge_dir, default_rules_dir

ROOT = Path(__file__).resolve().parent.parent


def bundled_ruleset() -> RuleSet:
    """The rule set the package ships (loaded once per test session via the fixture)."""
    return load_ruleset(default_rules_dir(), default_knowledge_dir())


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return bundled_ruleset()


@pytest.fixture(scope="session")
def evaluator(ruleset: RuleSet) -> Evaluator:
    return Evaluator(ruleset)
