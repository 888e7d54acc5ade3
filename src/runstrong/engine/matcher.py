"""A leaner RETE matcher for experta (a cheaper reset, only changed conflict sets polled), and a
firing order that breaks ties by rule order."""

from __future__ import annotations

from typing import Any

from experta.matchers.rete import ReteMatcher
from experta.matchers.rete.mixins import ChildNode
from experta.matchers.rete.nodes import ConflictSetNode, FeatureTesterNode, NotNode, OrdinaryMatchNode, WhereNode
from experta.strategies import DepthStrategy

from runstrong.engine.alpha import CompiledAlpha
from runstrong.engine.lean import (
    INVALID,
    VALID,
    Touched,
    conflict_set_node,
    join_node,
    new_token,
    not_node,
    where_node,
)


class LeanMatcher(ReteMatcher):
    """experta's RETE matcher with lean node activations (`runstrong.engine.lean`), collecting
    activations only from the conflict-set nodes that changed (experta polls every one of them
    after every change), and clearing only the memories that were written to."""

    changed: Touched
    touched: Touched
    alpha: CompiledAlpha

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        alpha = self.alpha
        for fact in deleting or ():
            alpha(new_token(INVALID, {fact}, {}))
        for fact in adding or ():
            alpha(new_token(VALID, {fact}, {}))
        added: list[Any] = []
        removed: list[Any] = []
        for node in self.changed:
            added.extend(node.added)
            removed.extend(node.removed)
            node.added, node.removed = [], []
        self.changed.clear()
        return added, removed

    def clear(self) -> None:
        """Empty every memory of the network (experta's `reset`), by emptying the ones written to
        since the last time: the others are empty."""
        for node in self.touched:
            node._reset()
            if isinstance(node, ConflictSetNode):
                node.added, node.removed = [], []
        self.touched.clear()
        self.changed.clear()

    def lean_network(self) -> None:
        """Give every node of the network its lean activation and compile the alpha part. All at
        once: lean nodes do not copy the tokens they pass on."""
        self.changed, self.touched = {}, {}
        seen: set[int] = set()
        stack = [self.root_node]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, ConflictSetNode):
                node.added, node.removed = [], []
            node.children[:] = [ChildNode(child.node, self._lean_callback(child)) for child in node.children]
            stack.extend(child.node for child in node.children)
        self.alpha = CompiledAlpha(self.root_node)

    def _lean_callback(self, child: Any) -> Any:
        node, callback = child.node, child.callback
        name = getattr(callback, "__name__", "")
        if isinstance(node, FeatureTesterNode):
            return callback  # its test is compiled into the alpha function (`CompiledAlpha`)
        if isinstance(node, WhereNode):
            return where_node(node)
        if isinstance(node, OrdinaryMatchNode) and name in ("activate_left", "activate_right"):
            return join_node(node, name == "activate_left", self.touched)
        if isinstance(node, NotNode) and name in ("activate_left", "activate_right"):
            return not_node(node, name == "activate_left", self.touched)
        if isinstance(node, ConflictSetNode):
            return conflict_set_node(node, self.touched, self.changed)
        raise TypeError(f"no lean activation for {type(node).__name__} ({name})")


class OrderedStrategy(DepthStrategy):
    """experta's depth strategy (salience, then newest facts) with ties broken by rule order.

    experta breaks ties in the order its network happens to be built, which depends on hash
    seeds; breaking them by the rules' order makes every process fire rules in the same order.
    """

    def __init__(self, order: dict[Any, int]) -> None:
        super().__init__()
        self.order = order

    def get_key(self, activation: Any) -> Any:
        facts = sorted([fact["__factid__"] for fact in activation.facts], reverse=True)
        return activation.rule.salience, facts, -self.order.get(activation.rule._wrapped, 0)
