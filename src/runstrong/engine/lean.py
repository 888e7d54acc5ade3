"""Lean activations for the nodes of experta's RETE network: the same tests in the same order,
giving the same tokens to the same children, without experta's per-call costs.

experta copies every token on entry to every node (through a constructor that checks each fact's
type) and logs every test. Here a token is built only when a test adds to its context, and no
node changes a token it is given (so none needs a copy). The feature tests of the alpha part are
compiled (`runstrong.engine.alpha`) from the tests `fast_check` gives. Every node of a network
must be made lean together (`LeanMatcher.lean_network`): the copies are left out because no lean
node writes to a token.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

from experta.activation import Activation
from experta.fieldconstraint import L, P
from experta.matchers.rete.check import FeatureCheck, SameContextCheck, WhereCheck
from experta.matchers.rete.nodes import ConflictSetNode, NotNode, OrdinaryMatchNode, WhereNode
from experta.matchers.rete.token import Token, TokenInfo

Callback = Callable[[Any], None]
#: The memory nodes a lean activation has written to since the network was last cleared.
Touched = dict[Any, None]
VALID = Token.TagType.VALID
INVALID = Token.TagType.INVALID
_new = tuple.__new__
ABSENT = object()


def new_token(tag: Any, data: Any, context: dict[Any, Any]) -> Any:
    """A token, without experta's type checks of every fact (the network only makes good ones)."""
    return _new(Token, (tag, data, context))


def _info(token: Any) -> Any:
    return _new(TokenInfo, (frozenset(token.data), frozenset(token.context.items())))


def fast_check(check: Any) -> Callable[[Any], Any]:
    """A feature test as a plain function with the same answers (True, False or a mapping to add
    to the context), without experta's logging and path parsing (type tests and fact captures
    are written into the compiled alpha network itself); any other test as it is."""
    what = getattr(check, "what", None)
    if not isinstance(check, FeatureCheck) or not isinstance(what, str) or "__" in what or what.isnumeric():
        return check  # type: ignore[no-any-return]
    how = check.how
    if isinstance(how, P) and how.__bind__ is None:
        match = how.match

        def predicate(fact: Any) -> bool:
            try:
                value = fact[what]
            except (IndexError, KeyError, TypeError):
                return False
            return True if match(value) else False  # noqa: SIM210 - the predicate may return any value

        return predicate
    if isinstance(how, L) and how.__bind__ is None:
        literal = how.value

        def equal(fact: Any) -> bool:
            try:
                value = fact[what]
            except (IndexError, KeyError, TypeError):
                return False
            return bool(literal == value)

        return equal
    test, expected = check.check, check.expected

    def general(fact: Any) -> Any:
        try:
            value = fact[what]
        except (IndexError, KeyError, TypeError):
            return False
        return test(value, expected)

    return general


def merged_context(context: dict[Any, Any], match: Mapping[Any, Any]) -> dict[Any, Any] | None:
    """The context with a test's bindings added, or None when they contradict it (experta's rule)."""
    for key, value in match.items():
        if isinstance(key, tuple):
            if key[1] in context and context[key[1]] == value:
                return None
        elif context.get(key, value) != value or context.get((False, key), ABSENT) == value:
            return None
    merged = dict(context)
    merged.update(match)
    return merged


def where_node(node: WhereNode) -> Callback:
    """A TEST node: the test on the token's bindings (experta's WhereNode and WhereCheck)."""
    check, children = node.matcher, node.children
    if not isinstance(check, WhereCheck):
        matcher = check
    else:
        test, names = check.test, tuple(check.parameters)

        def matcher(context: dict[str, Any]) -> Any:
            return test(**{name: context.get(name) for name in names})

    def activate(token: Any) -> None:
        if matcher(token.context):
            for child in children:
                child.callback(token)

    return activate


def same_context(left: Mapping[Any, Any], right: Mapping[Any, Any]) -> bool:
    """experta's SameContextCheck (the two sides' bindings agree), with a value bound on both
    sides to one fact taken as equal without comparing the fact field by field (a fact equals
    itself: its values are never NaN)."""
    for key, value in left.items():
        if key[0] is False:
            raise RuntimeError(f'Negated value "{key[1]}" present before capture.')
        other = right.get(key, ABSENT)
        if other is not ABSENT and other is not value and value != other:
            return False
        refused = right.get((False, key), ABSENT)
        if refused is not ABSENT and (refused is value or value == refused):
            return False
    return True


def _matcher(node: Any) -> Callable[[Any, Any], Any]:
    return same_context if type(node.matcher) is SameContextCheck else node.matcher


def join_node(node: OrdinaryMatchNode, left: bool, touched: Touched) -> Callback:
    """One input of a two-input match node (experta's OrdinaryMatchNode activation). Its
    memories keep each token's facts and its context itself (no lean node changes a context),
    where experta keeps the context's items and rebuilds a dict of them for every comparison."""
    matcher, children = _matcher(node), node.children

    def activate(token: Any) -> None:
        touched[node] = None
        own, other = (node.left_memory, node.right_memory) if left else (node.right_memory, node.left_memory)
        context = token.context
        entry = (frozenset(token.data), context)
        if token.tag is VALID:
            own.append(entry)
        else:
            with suppress(ValueError):
                own.remove(entry)
        for other_data, other_context in other:
            if matcher(context, other_context) if left else matcher(other_context, context):
                new_context = {k: v for k, v in context.items() if isinstance(k, str)}
                for k, v in other_context.items():
                    if not isinstance(k, tuple):
                        new_context[k] = v
                new = new_token(token.tag, token.data | other_data, new_context)
                for child in children:
                    child.callback(new)

    return activate


def not_node(node: NotNode, left: bool, touched: Touched) -> Callback:
    """One input of a NOT node (experta's NotNode activation)."""
    matcher, children = _matcher(node), node.children

    def activate_left(token: Any) -> None:
        touched[node] = None
        info = _info(token)
        valid = token.tag is VALID
        if not node.right_memory:
            if valid:
                node.left_memory[info] = 0
            else:
                del node.left_memory[info]
            for child in children:
                child.callback(token)
            return
        count = 0
        for _, right_context in node.right_memory:
            if matcher(token.context, dict(right_context)):
                count += 1
                if not valid:
                    break
        if count == 0:
            for child in children:
                child.callback(token)
        if valid:
            node.left_memory[info] = count
        else:
            del node.left_memory[info]

    def activate_right(token: Any) -> None:
        touched[node] = None
        info = _info(token)
        if token.tag is VALID:
            node.right_memory.append(info)
            inc = 1
        else:
            inc = -1
            node.right_memory.remove(info)
        for known in node.left_memory:
            if matcher(dict(known.context), token.context):
                node.left_memory[known] += inc
                count = node.left_memory[known]
                if (count == 0 and inc == -1) or (count == 1 and inc == 1):
                    new = known.to_valid_token() if inc == -1 else known.to_invalid_token()
                    for child in children:
                        child.callback(new)

    return activate_left if left else activate_right


def conflict_set_node(node: ConflictSetNode, touched: Touched, changed: Touched) -> Callback:
    """A rule's conflict set (experta's ConflictSetNode activation), its new and withdrawn
    activations kept in lists (a token is remembered once, so an activation is never added
    twice) rather than sets, which hash every activation with its rule and facts."""
    rule = node.rule

    def activate(token: Any) -> None:
        touched[node] = None
        changed[node] = None
        info = _info(token)
        activation = Activation(rule, info.data, {k: v for k, v in token.context.items() if isinstance(k, str)})
        if token.tag is VALID:
            if info not in node.memory:
                node.memory.add(info)
                if activation in node.removed:
                    node.removed.remove(activation)
                else:
                    node.added.append(activation)
        else:
            node.memory.remove(info)
            if activation in node.added:
                node.added.remove(activation)
            else:
                node.removed.append(activation)

    return activate
