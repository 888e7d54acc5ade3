"""Running the compiled engine on snapshots and recording what fired, on which facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from experta import KnowledgeEngine

from runstrong.compiler import CompiledBranch, build_engine_class
from runstrong.conditions import Compare, ItemMatch
from runstrong.facts import UNKNOWN_KEY, Conclusion, snapshot_facts
from runstrong.ruleset import Rule, RuleSet, leaves
from runstrong.snapshot import Snapshot


@dataclass(frozen=True)
class Firing:
    """One activation of a rule: the branch that matched and the facts it matched."""

    rule: Rule
    branch: CompiledBranch
    athlete: dict[str, Any]
    items: dict[str, dict[str, Any]]

    def matched_values(self) -> dict[str, Any]:
        """The athlete fields this branch tested, with their values, plus the bound items."""
        fields = {leaf.field for leaf in self.branch.leaves if isinstance(leaf, Compare)}
        fields |= {leaf.list for leaf in self.branch.leaves if isinstance(leaf, ItemMatch) and leaf.negated}
        values: dict[str, Any] = {name: self.athlete.get(name) for name in sorted(fields)}
        for name, item in self.items.items():
            values[f"{item['list']}[{item['index']}]"] = {k: v for k, v in item.items() if k not in ("list", "index")}
        return values


@dataclass
class Evaluation:
    """What the engine did for one snapshot."""

    snapshot: Snapshot
    firings: list[Firing] = field(default_factory=list)
    conclusions: list[str] = field(default_factory=list)

    @property
    def fired_rule_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for firing in self.firings:
            seen.setdefault(firing.rule.id, None)
        return list(seen)


def _plain(fact: Any) -> dict[str, Any]:
    return {key: _thaw(value) for key, value in fact.items() if not str(key).startswith("__")}


def _thaw(value: Any) -> Any:
    if isinstance(value, (tuple, list)) or type(value).__name__ == "frozenlist":
        return [_thaw(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(value)
    return value


class _RecordingEngine(KnowledgeEngine):
    """An experta engine that keeps a record of each activation as it fires."""

    evaluation: Evaluation

    def record(self, branch: CompiledBranch, bound: dict[str, Any]) -> None:
        items = {name: _plain(bound[name]) for name in branch.item_names}
        athlete = _plain(bound["athlete"])
        athlete.pop(UNKNOWN_KEY, None)
        self.evaluation.firings.append(Firing(branch.rule, branch, athlete, items))
        for name in branch.rule.conclusions:
            if name not in self.evaluation.conclusions:
                self.evaluation.conclusions.append(name)
                self.declare(Conclusion(name=name))


def _record(engine: KnowledgeEngine, branch: CompiledBranch, bound: dict[str, Any]) -> None:
    assert isinstance(engine, _RecordingEngine)
    engine.record(branch, bound)


class Evaluator:
    """Builds the engine once for a rule set and evaluates snapshots with `reset()` in between."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._engine = build_engine_class(ruleset, _record, _RecordingEngine)()

    def evaluate(self, snapshot: Snapshot) -> Evaluation:
        """Run every rule on one (validated) snapshot."""
        engine = self._engine
        assert isinstance(engine, _RecordingEngine)
        evaluation = Evaluation(snapshot)
        engine.evaluation = evaluation
        engine.reset()
        for fact in snapshot_facts(snapshot):
            engine.declare(fact)
        engine.run()
        return evaluation


def fields_used(rule: Rule) -> set[str]:
    """The athlete fields and lists a rule's conditions read."""
    used = set()
    for leaf in leaves(rule.when):
        if isinstance(leaf, Compare):
            used.add(leaf.field)
        elif isinstance(leaf, ItemMatch):
            used.add(leaf.list)
    return used
