"""Snapshots the explanation tests share: the bundled examples, the scenarios, and every rule
example of the bundled rule set (read once)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from runstrong.rules.model import RuleSet
from runstrong.snapshot.strict import load_yaml
from runstrong.snapshot.validation import Snapshot, read_snapshot, validate

ROOT = Path(__file__).resolve().parent.parent


@cache
def _files() -> tuple[tuple[str, Snapshot], ...]:
    cases = [(path.name, read_snapshot(path)) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    for path in sorted((ROOT / "tests" / "scenarios").glob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8"), str(path))
        if isinstance(data, dict) and "snapshot" in data:
            cases.append((path.name, validate(data["snapshot"])))
    return tuple(cases)


def example_snapshots() -> list[tuple[str, Snapshot]]:
    """The bundled examples and the test scenarios."""
    return list(_files())


def all_snapshots(ruleset: RuleSet) -> list[tuple[str, Snapshot]]:
    """The examples, the scenarios and every rule example."""
    return example_snapshots() + [
        (f"{rule.id}:{example.name}", example.snapshot) for rule in ruleset.rules for example in rule.examples
    ]
