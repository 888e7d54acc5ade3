"""Running the compiled engine on snapshots and recording what fired, on which facts."""

from __future__ import annotations

from typing import Any

from experta import KnowledgeEngine
from experta.agenda import Agenda
from experta.fact import InitialFact
from experta.factlist import FactList

from runstrong.engine.matcher import LeanMatcher, OrderedStrategy
from runstrong.engine.records import Evaluation, Firing
from runstrong.rules.compiler import CompiledBranch, build_engine_class
from runstrong.rules.conditions import Compare, ItemMatch
from runstrong.rules.model import Rule, RuleSet, leaves
from runstrong.snapshot.facts import PLAIN_TYPES, UNKNOWN_KEY, Conclusion, snapshot_facts
from runstrong.snapshot.validation import Snapshot
from runstrong.util.memo import PerObject


def _plain(fact: Any) -> dict[str, Any]:
    """A fact's values as plain data, without experta's special keys (`__factid__`)."""
    return {key: _thaw(value) for key, value in fact.items() if type(key) is not str or not key.startswith("__")}


def _thaw(value: Any) -> Any:
    if type(value) in PLAIN_TYPES:
        return value
    if isinstance(value, (tuple, list)):  # experta's frozenlist is a tuple
        return [_thaw(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(value)
    return value


class _RecordingEngine(KnowledgeEngine):
    """An experta engine that keeps a record of each activation as it fires."""

    __matcher__ = LeanMatcher
    evaluation: Evaluation
    _athletes: dict[int, dict[str, Any]]
    _items: dict[int, dict[str, Any]]
    branch_of: dict[Any, CompiledBranch]  # the branch behind each experta rule, by its body

    def record(self, branch: CompiledBranch, bound: dict[str, Any]) -> None:
        items = {name: self._plain_item(bound[name]) for name in branch.item_names}
        fact = bound["athlete"]
        athlete = self._athletes.get(id(fact))
        if athlete is None:
            athlete = self._athletes[id(fact)] = _plain(fact)
            athlete.pop(UNKNOWN_KEY, None)
        self.evaluation.firings.append(Firing(branch.rule, branch, athlete, items))
        for name in branch.rule.conclusions:
            if name not in self.evaluation.conclusions:
                self.evaluation.conclusions.append(name)
                self._append_facts([Conclusion(name=name)])  # the run loop passes it on

    def run(self, steps: float = float("inf")) -> None:
        """experta's `run`, without the text of a log line for every firing (experta builds it,
        every fact in words, even when nothing logs it), each activation recorded directly:
        what the body of its experta rule does (`build_engine_class`), without the calls between."""
        self.running = True
        while steps > 0 and self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
            activation = self.agenda.get_next()
            if activation is None:
                break
            steps -= 1
            bound = {k: v for k, v in activation.context.items() if not k.startswith("__")}
            self.record(self.branch_of[activation.rule._wrapped], bound)
        self.running = False

    def _append_facts(self, facts: list[Any]) -> None:
        """Add facts to the fact list as experta's `declare` would, without its checks of each
        fact and its duplicate check (which hashes every field): the facts are distinct by
        construction (one athlete fact, items by list and index, each conclusion once) and none
        is ever retracted."""
        factlist = self.facts
        for index, fact in enumerate(facts, factlist.last_index):
            fact.__factid__ = index
            factlist[index] = fact
        factlist.last_index += len(facts)
        factlist.added.extend(facts)

    def declare_snapshot(self, facts: list[Any]) -> None:
        """Declare the initial fact and a snapshot's facts into an empty fact list."""
        self._append_facts(facts)
        added, removed = self.get_activations()
        self.strategy.update_agenda(self.agenda, added, removed)

    def _plain_item(self, fact: Any) -> dict[str, Any]:
        """An item fact as plain data, worked out once per snapshot (facts live as long as it)."""
        item = self._items.get(id(fact))
        if item is None:
            item = self._items[id(fact)] = _plain(fact)
        return item


def _record(engine: KnowledgeEngine, branch: CompiledBranch, bound: dict[str, Any]) -> None:
    assert isinstance(engine, _RecordingEngine)
    engine.record(branch, bound)


class Evaluator:
    """Builds the engine once for a rule set and evaluates snapshots, clearing it in between.

    Clearing is experta's `reset()` done leanly: only the memories written to are emptied, and
    the initial fact and the snapshot's facts are declared in one step.
    """

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        engine_class = build_engine_class(ruleset, _record, _RecordingEngine)
        bodies = [getattr(engine_class, name)._wrapped for name in engine_class.branches]  # in rule order
        self._engine = engine_class()
        self._engine.branch_of = dict(zip(bodies, engine_class.branches.values(), strict=True))
        self._engine.strategy = OrderedStrategy({body: index for index, body in enumerate(bodies)})
        matcher = self._matcher = self._engine.matcher
        assert isinstance(matcher, LeanMatcher)
        matcher.lean_network()

    def evaluate(self, snapshot: Snapshot) -> Evaluation:
        """Run every rule on one (validated) snapshot."""
        engine = self._engine
        assert isinstance(engine, _RecordingEngine)
        evaluation = Evaluation(snapshot)
        engine.evaluation = evaluation
        engine._athletes = {}
        engine._items = {}
        engine.agenda = Agenda()
        engine.facts = FactList()
        self._matcher.clear()
        engine.running = False
        facts = snapshot_facts(snapshot, self.ruleset.knowledge.field_applies)
        evaluation.athlete = dict(facts[0])
        evaluation.missing = facts[0][UNKNOWN_KEY]
        engine.declare_snapshot([InitialFact(), *facts])
        engine.run()
        return evaluation


_FIELDS_READ: PerObject[frozenset[str]] = PerObject()


def _fields_of(rule: Rule) -> frozenset[str]:
    used = set()
    for leaf in leaves(rule.when):
        if isinstance(leaf, Compare):
            used.add(leaf.field)
        elif isinstance(leaf, ItemMatch):
            used.add(leaf.list)
    return frozenset(used)


def fields_read(rule: Rule) -> frozenset[str]:
    """The athlete fields and lists a rule's conditions read (worked out once per rule)."""
    return _FIELDS_READ.get(rule, lambda: _fields_of(rule))


def fields_used(rule: Rule) -> set[str]:
    """`fields_read`, as a set of one's own."""
    return set(fields_read(rule))
