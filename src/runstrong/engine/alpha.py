"""The alpha part of experta's RETE network compiled to Python: one generated function per fact
type runs every feature test below that type's node, in the network's order, and hands each
token that passes to the same children the nodes would (the way Drools compiles its alpha network).

experta's alpha part is a tree of feature-test nodes under the root: a type test per fact type,
then one node per field test, shared by the patterns that begin alike. Each node is a call; the
athlete fact alone passes through about 400 of them per snapshot. The generated function reads
each field once per test with `dict.get` (a fact class with no field defaults answers exactly as
its `__getitem__` would) and writes a rule's comparison out (`value >= operand`), calling only
the predicates that have no such form, so a failed test costs one comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from experta.fieldconstraint import L, P
from experta.matchers.rete.check import FactCapture, FeatureCheck, TypeCheck
from experta.matchers.rete.nodes import FeatureTesterNode

from runstrong.engine.lean import ABSENT, fast_check, merged_context, new_token
from runstrong.rules.conditions import ValueTest
from runstrong.util.codegen import Source

Callback = Callable[[Any], None]
#: Python allows at most 100 levels of indentation; a deeper alpha branch is not compiled.
MAX_DEPTH = 80


def _plain_field(check: Any) -> str | None:
    """The field a feature test reads with `fact[field]`, when it is one plain key."""
    what = getattr(check, "what", None)
    if not isinstance(check, FeatureCheck) or not isinstance(what, str) or "__" in what or what.isnumeric():
        return None
    return what


def _predicate(source: Source, match: Any) -> str:
    """A field test's predicate on `value`: a rule's comparison written out, or a call."""
    return match.code(source) if isinstance(match, ValueTest) else f"{source.name(match, 'match')}(value)"


def _emit_test(
    source: Source, node: Any, depth: int, token: str, context: str, plain_get: bool
) -> tuple[int, str, str]:
    """The lines that test `node` at `depth`; returns the depth, token and context its children see."""
    check = node.matcher
    what = _plain_field(check)
    how = getattr(check, "how", None)
    if plain_get and what is not None and isinstance(how, P) and how.__bind__ is None:
        source.add(depth, f"value = get({what!r}, ABSENT)")
        source.add(depth, f"if value is not ABSENT and {_predicate(source, how.match)}:")
        return depth + 1, token, context
    if plain_get and what is not None and isinstance(how, L) and how.__bind__ is None:
        source.add(depth, f"value = get({what!r}, ABSENT)")
        source.add(depth, f"if value is not ABSENT and {source.name(how.value, 'literal')} == value:")
        return depth + 1, token, context
    if isinstance(check, TypeCheck):
        source.add(depth, f"if type(fact) == {source.name(check.fact_type, 'kind')}:")
        return depth + 1, token, context
    if isinstance(check, FactCapture):  # binds the fact itself: the test fails on a contradicting binding
        bind, grown_context, grown = source.name(check.bind, "bind"), f"context{depth}", f"token{depth}"
        source.add(depth, f"bound = {context}.get({bind}, ABSENT)")
        source.add(depth, f"refused = {context}.get((False, {bind}), ABSENT)")
        source.add(depth, "if (bound is ABSENT or bound == fact) and (refused is ABSENT or refused != fact):")
        source.add(depth + 1, f"{grown_context} = dict({context})")
        source.add(depth + 1, f"{grown_context}[{bind}] = fact")
        source.add(depth + 1, f"{grown} = new_token({token}.tag, {token}.data, {grown_context})")
        return depth + 1, grown, grown_context
    # Any other test (a binding, a test of several fields): experta's answer, True, False or
    # bindings to add to the context, which fail when they contradict it.
    test = source.name(fast_check(check), "test")
    found, grown_context, grown = f"found{depth}", f"context{depth}", f"token{depth}"
    source.add(depth, f"{found} = {test}(fact)")
    source.add(depth, f"if {found}:")
    source.add(depth + 1, f"if isinstance({found}, Mapping):")
    source.add(depth + 2, f"{grown_context} = merged_context({context}, {found})")
    grown_token = f"new_token({token}.tag, {token}.data, {grown_context})"
    source.add(depth + 2, f"{grown} = None if {grown_context} is None else {grown_token}")
    source.add(depth + 1, "else:")
    source.add(depth + 2, f"{grown_context}, {grown} = {context}, {token}")
    source.add(depth + 1, f"if {grown} is not None:")
    return depth + 2, grown, grown_context


def _emit_children(source: Source, node: Any, depth: int, token: str, context: str, plain_get: bool) -> None:
    if not node.children:
        source.add(depth, "pass")
    for child in node.children:
        if isinstance(child.node, FeatureTesterNode):
            _emit_node(source, child.node, depth, token, context, plain_get)
        else:
            source.add(depth, f"{source.name(child.callback, 'child')}({token})")


def _emit_node(source: Source, node: Any, depth: int, token: str, context: str, plain_get: bool) -> None:
    if depth > MAX_DEPTH:
        raise RecursionError(f"an alpha branch deeper than {MAX_DEPTH // 2} tests")
    inner, token, context = _emit_test(source, node, depth, token, context, plain_get)
    _emit_children(source, node, inner, token, context, plain_get)


def _has_defaults(fact_type: type) -> bool:
    """Whether a fact class gives defaults for missing fields (then `fact[key]` and `get` differ)."""
    return bool(getattr(fact_type, "__fields__", None))


def compile_type_node(node: Any) -> Callback:
    """One generated function for a type node and every feature test below it."""
    check = node.matcher
    plain_get = isinstance(check, TypeCheck) and not _has_defaults(check.fact_type)
    source = Source({"ABSENT": ABSENT, "Mapping": Mapping, "merged_context": merged_context, "new_token": new_token})
    source.add(0, "def activate(token):")
    source.add(1, "(fact,) = token.data")
    source.add(1, "get = fact.get")
    source.add(1, "context = token.context")
    _emit_children(source, node, 1, "token", "context", plain_get)
    activate: Callback = source.function("activate", f"<alpha network: {check}>")
    return activate


class CompiledAlpha:
    """The root's dispatch: a fact goes, in the root's order, to the compiled function of each
    type node for its type (a type node tests `type(fact) == T`, so no other passes it) and to
    any other child of the root."""

    def __init__(self, root: Any) -> None:
        self.children: list[tuple[type | None, Callback]] = []
        for child in root.children:
            check = child.node.matcher if isinstance(child.node, FeatureTesterNode) else None
            if isinstance(check, TypeCheck):
                self.children.append((check.fact_type, compile_type_node(child.node)))
            else:
                self.children.append((None, child.callback))
        self._by_type: dict[type, tuple[Callback, ...]] = {}

    def _for_type(self, fact_type: type) -> tuple[Callback, ...]:
        found = self._by_type[fact_type] = tuple(
            callback for kind, callback in self.children if kind is None or kind == fact_type
        )
        return found

    def __call__(self, token: Any) -> None:
        (fact,) = token.data
        fact_type = type(fact)
        for activate in self._by_type.get(fact_type) or self._for_type(fact_type):
            activate(token)
