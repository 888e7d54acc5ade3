"""Running the compiled engine on snapshots and recording what fired, on which facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from experta import KnowledgeEngine
from experta import Rule as ExpertaRule
from experta.agenda import Agenda
from experta.fact import InitialFact
from experta.factlist import FactList
from experta.matchers.rete import ReteMatcher
from experta.matchers.rete.check import FeatureCheck
from experta.matchers.rete.mixins import ChildNode, NoMemory
from experta.matchers.rete.nodes import ConflictSetNode, FeatureTesterNode
from experta.matchers.rete.token import Token
from experta.strategies import DepthStrategy

from runstrong.rules.compiler import CompiledBranch, build_engine_class
from runstrong.rules.conditions import Compare, ItemMatch
from runstrong.rules.model import Rule, RuleSet, leaves
from runstrong.snapshot.facts import UNKNOWN_KEY, Conclusion, snapshot_facts
from runstrong.snapshot.validation import Snapshot


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


class _LeanMatcher(ReteMatcher):
    """experta's RETE matcher, collecting activations only from the conflict-set nodes that
    changed (experta polls every one of them after every change)."""

    changed: dict[Any, None]

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        added: list[Any] = []
        removed: list[Any] = []
        for node in self.changed:
            added.extend(node.added)
            removed.extend(node.removed)
            node.added, node.removed = set(), set()
        self.changed = {}
        return added, removed

    def memory_nodes(self) -> list[Any]:
        """Every node of the network that keeps a memory, each once."""
        seen: dict[int, Any] = {}
        stack = [self.root_node]
        while stack:
            node = stack.pop()
            if id(node) not in seen:
                seen[id(node)] = node
                stack.extend(child.node for child in node.children)
        return [node for node in seen.values() if not isinstance(node, NoMemory)]

    def lean_network(self) -> None:
        """Make every feature test test first and copy the token only when it passes
        (experta copies it before testing, and most tests fail), and have every conflict-set
        node note when it changed."""
        self.changed = {}
        seen: set[int] = set()
        stack = [self.root_node]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            node.children[:] = [self._lean_child(child) for child in node.children]
            stack.extend(child.node for child in node.children)

    def _lean_child(self, child: Any) -> Any:
        if isinstance(child.node, FeatureTesterNode):
            return ChildNode(child.node, _lean_feature_test(child.node))
        if isinstance(child.node, ConflictSetNode):
            node, activate = child.node, child.callback

            def noted(token: Any) -> None:
                activate(token)
                self.changed[node] = None

            return ChildNode(node, noted)
        return child


def _lean_feature_test(node: Any) -> Any:
    """experta's FeatureTesterNode activation, testing before copying the token."""
    matcher, children, new = _fast_check(node.matcher), node.children, tuple.__new__

    def activate(token: Any) -> None:
        (fact,) = token.data
        match = matcher(fact)
        if not match:
            return
        context = dict(token.context)
        if isinstance(match, Mapping):
            for key, value in match.items():
                if isinstance(key, tuple):
                    if key[1] in context and context[key[1]] == value:
                        return
                elif context.get(key, value) != value or context.get((False, key), _ABSENT) == value:
                    return
            context.update(match)
        copy = new(Token, (token.tag, set(token.data), context))
        for child in children:
            child.callback(copy)

    return activate


_ABSENT = object()


def _fast_check(check: Any) -> Any:
    """A field check on a plain field name, without experta's per-call path parsing and logging."""
    what = getattr(check, "what", None)
    if not isinstance(check, FeatureCheck) or not isinstance(what, str) or "__" in what or what.isnumeric():
        return check
    test, expected = check.check, check.expected

    def fast(fact: Any) -> Any:
        try:
            value = fact[what]
        except (IndexError, KeyError, TypeError):
            return False
        return test(value, expected)

    return fast


class _OrderedStrategy(DepthStrategy):
    """experta's depth strategy (salience, then newest facts) with ties broken by rule order.

    experta breaks ties in the order its network happens to be built, which depends on hash
    seeds; breaking them by the rules' order makes every process fire rules in the same order.
    """

    def __init__(self, order: dict[Any, int]) -> None:
        super().__init__()
        self.order = order

    def get_key(self, activation: Any) -> Any:
        facts = sorted((fact["__factid__"] for fact in activation.facts), reverse=True)
        return activation.rule.salience, facts, -self.order.get(activation.rule._wrapped, 0)


class _RecordingEngine(KnowledgeEngine):
    """An experta engine that keeps a record of each activation as it fires."""

    __matcher__ = _LeanMatcher
    evaluation: Evaluation
    _athletes: dict[int, dict[str, Any]]

    def record(self, branch: CompiledBranch, bound: dict[str, Any]) -> None:
        items = {name: _plain(bound[name]) for name in branch.item_names}
        fact = bound["athlete"]
        athlete = self._athletes.get(id(fact))
        if athlete is None:
            athlete = self._athletes[id(fact)] = _plain(fact)
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
    """Builds the engine once for a rule set and evaluates snapshots, clearing it in between.

    Clearing is experta's `reset()` done leanly: the nodes that keep a memory are collected
    once, and the initial fact and the snapshot's facts are declared in one step.
    """

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        engine_class = build_engine_class(ruleset, _record, _RecordingEngine)
        rules = [value for value in vars(engine_class).values() if isinstance(value, ExpertaRule)]
        self._engine = engine_class()
        self._engine.strategy = _OrderedStrategy({rule._wrapped: index for index, rule in enumerate(rules)})
        matcher = self._matcher = self._engine.matcher
        assert isinstance(matcher, _LeanMatcher)
        matcher.lean_network()
        self._memory_nodes = matcher.memory_nodes()
        self._conflict_nodes = [node for node in self._memory_nodes if isinstance(node, ConflictSetNode)]

    def evaluate(self, snapshot: Snapshot) -> Evaluation:
        """Run every rule on one (validated) snapshot."""
        engine = self._engine
        assert isinstance(engine, _RecordingEngine)
        evaluation = Evaluation(snapshot)
        engine.evaluation = evaluation
        engine._athletes = {}
        engine.agenda = Agenda()
        engine.facts = FactList()
        for node in self._memory_nodes:
            node._reset()
        for node in self._conflict_nodes:
            node.added, node.removed = set(), set()
        self._matcher.changed = {}
        engine.running = False
        facts = snapshot_facts(snapshot)
        evaluation.missing = facts[0][UNKNOWN_KEY]
        engine._KnowledgeEngine__declare(InitialFact(), *facts)
        engine.run()
        return evaluation


_FIELDS_USED: dict[int, tuple[Rule, frozenset[str]]] = {}


def fields_used(rule: Rule) -> set[str]:
    """The athlete fields and lists a rule's conditions read (worked out once per rule)."""
    cached = _FIELDS_USED.get(id(rule))
    if cached is None or cached[0] is not rule:
        used = set()
        for leaf in leaves(rule.when):
            if isinstance(leaf, Compare):
                used.add(leaf.field)
            elif isinstance(leaf, ItemMatch):
                used.add(leaf.list)
        cached = _FIELDS_USED[id(rule)] = (rule, frozenset(used))
    return set(cached[1])
