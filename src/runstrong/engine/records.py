"""What one evaluation recorded: every firing with the rule, the branch and the values it matched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runstrong.rules.compiler import CompiledBranch
from runstrong.rules.model import Rule
from runstrong.snapshot.facts import UNKNOWN_KEY
from runstrong.snapshot.validation import Snapshot


@dataclass(frozen=True, eq=False)
class Firing:
    """One activation of a rule: the branch that matched and the facts it matched. Two firings
    are the same only when they are one activation (experta fires a branch once per set of facts)."""

    rule: Rule
    branch: CompiledBranch
    athlete: dict[str, Any]
    items: dict[str, dict[str, Any]]

    def matched_values(self) -> dict[str, Any]:
        """The athlete fields this branch tested, with their values, plus the bound items."""
        athlete = self.athlete
        values: dict[str, Any] = {name: athlete.get(name) for name in self.branch.tested_fields}
        hidden = ("list", "index", UNKNOWN_KEY)
        for item in self.items.values():
            values[f"{item['list']}[{item['index']}]"] = {k: v for k, v in item.items() if k not in hidden}
        return values


@dataclass
class Evaluation:
    """What the engine did for one snapshot."""

    snapshot: Snapshot
    firings: list[Firing] = field(default_factory=list)
    conclusions: list[str] = field(default_factory=list)
    missing: frozenset[str] = frozenset()  # the scalar fields the snapshot lacks (the athlete fact's `_unknown`)
    athlete: dict[str, Any] = field(default_factory=dict)  # the athlete fact's values (snapshot and derived)

    @property
    def fired_rule_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for firing in self.firings:
            seen.setdefault(firing.rule.id, None)
        return list(seen)
