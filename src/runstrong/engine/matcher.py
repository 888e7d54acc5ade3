"""A leaner RETE matcher for experta (a cheaper reset, only changed conflict sets polled), and a
firing order that breaks ties by rule order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from experta.matchers.rete import ReteMatcher
from experta.matchers.rete.check import FeatureCheck
from experta.matchers.rete.mixins import ChildNode, NoMemory
from experta.matchers.rete.nodes import ConflictSetNode, FeatureTesterNode
from experta.matchers.rete.token import Token
from experta.strategies import DepthStrategy


class LeanMatcher(ReteMatcher):
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


class OrderedStrategy(DepthStrategy):
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
