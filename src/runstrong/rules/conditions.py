"""The condition language: its syntax tree, the parser of comparison strings, and predicates.

Conditions are parsed from rule data into these nodes and compiled to experta patterns
(`compiler.py`); nothing here is ever `eval`ed.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runstrong.util.codegen import Source
from runstrong.util.memo import remembered, value_key

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConditionSyntaxError(ValueError):
    """A condition that cannot be parsed; the message says what was expected."""


@dataclass(frozen=True)
class ThresholdRef:
    """`$name`: a value from `knowledge/thresholds.yaml`."""

    name: str


Operand = ThresholdRef | float | int | bool | str | tuple[Any, ...]


@dataclass(frozen=True)
class Compare:
    """`field op operand` on the athlete (or, inside `where`, on an item's own field)."""

    field: str
    op: str
    operand: Operand | None = None
    negated: bool = False
    text: str = ""

    def negate(self) -> Compare:
        if self.op == "is unknown":
            return Compare(self.field, "is known", None, False, self.text)
        if self.op == "is known":
            return Compare(self.field, "is unknown", None, False, self.text)
        return Compare(self.field, self.op, self.operand, not self.negated, self.text)


@dataclass(frozen=True)
class ItemMatch:
    """Some item of `list` matches all of `where` (negated: the list is known and none does)."""

    list: str
    where: tuple[Compare, ...] = ()
    alias: str | None = None
    negated: bool = False

    def negate(self) -> ItemMatch:
        return ItemMatch(self.list, self.where, None, not self.negated)


@dataclass(frozen=True)
class FieldRef:
    """`alias.field` inside a join."""

    alias: str
    field: str


@dataclass(frozen=True)
class Call:
    """`function(arguments)` inside a join."""

    function: str
    args: tuple[FieldRef, ...]


JoinSide = FieldRef | Call | ThresholdRef | float | int | str


@dataclass(frozen=True)
class Join:
    """A comparison between fields of items bound with `as`."""

    left: JoinSide
    op: str
    right: JoinSide
    negated: bool = False
    text: str = ""

    def negate(self) -> Join:
        return Join(self.left, self.op, self.right, not self.negated, self.text)


@dataclass(frozen=True)
class Concluded:
    """An intermediate conclusion asserted by another rule."""

    name: str
    negated: bool = False

    def negate(self) -> Concluded:
        return Concluded(self.name, not self.negated)


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class AtLeast:
    count: int
    items: tuple[Condition, ...] = field(default_factory=tuple)


Leaf = Compare | ItemMatch | Join | Concluded
Condition = Leaf | AllOf | AnyOf | Not | AtLeast

# ---------------------------------------------------------------- parsing comparison strings

_COMPARE = re.compile(
    r"^\s*(?P<field>[A-Za-z_][\w.]*)\s+(?P<op><=|>=|==|!=|<|>|not_in|in|has_any|has)\s+(?P<rhs>.+?)\s*$"
)
_UNKNOWN = re.compile(r"^\s*(?P<field>[A-Za-z_][\w.]*)\s+is\s+(?P<what>unknown|known)\s*$")
_JOIN = re.compile(r"^\s*(?P<left>.+?)\s+(?P<op><=|>=|==|!=|<|>)\s+(?P<right>.+?)\s*$")
_CALL = re.compile(r"^(?P<fn>[a-z_]+)\((?P<args>[^()]*)\)$")
_REF = re.compile(r"^(?P<alias>[a-z_][a-z0-9_]*)\.(?P<field>[a-z_][a-z0-9_]*)$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_WORD = re.compile(r"^[A-Za-z_][\w-]*$")

LIST_OPS = ("in", "not_in", "has_any")
ORDER_OPS = ("<", "<=", ">", ">=")


def parse_literal(text: str) -> Operand:
    """A right-hand side: `$threshold`, number, true/false, enum word, or `[a, b]`."""
    text = text.strip()
    if text.startswith("$") and _WORD.match(text[1:]):
        return ThresholdRef(text[1:])
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return tuple(parse_literal(part) for part in inner.split(",")) if inner else ()
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if text in ("true", "false"):
        return text == "true"
    if _WORD.match(text):
        return text
    raise ConditionSyntaxError(
        f"cannot read the value {text!r}: expected $threshold, a number, true/false, a word or [a, b]"
    )


def parse_compare(text: str) -> Compare:
    """`field op value` or `field is unknown|known`."""
    match = _UNKNOWN.match(text)
    if match:
        return Compare(match["field"], f"is {match['what']}", None, False, text)
    match = _COMPARE.match(text)
    if not match:
        raise ConditionSyntaxError(
            f"cannot read the condition {text!r}: expected 'field OP value' with OP one of "
            "< <= > >= == != in not_in has has_any, or 'field is unknown|known'"
        )
    operand = parse_literal(match["rhs"])
    if match["op"] in LIST_OPS and not isinstance(operand, tuple | ThresholdRef):
        raise ConditionSyntaxError(f"{text!r}: '{match['op']}' needs a [list] or a set of values ($name) on the right")
    return Compare(match["field"], match["op"], operand, False, text)


def _parse_join_side(text: str) -> JoinSide:
    text = text.strip()
    call = _CALL.match(text)
    if call:
        args = tuple(_parse_join_side(part) for part in call["args"].split(","))
        if not all(isinstance(arg, FieldRef) for arg in args):
            raise ConditionSyntaxError(f"{text!r}: function arguments must be alias.field")
        return Call(call["fn"], args)  # type: ignore[arg-type]
    ref = _REF.match(text)
    if ref:
        return FieldRef(ref["alias"], ref["field"])
    value = parse_literal(text)
    if isinstance(value, tuple):
        raise ConditionSyntaxError(f"{text!r}: a list cannot stand in a join")
    return value


def parse_join(text: str) -> Join:
    """`left op right` with sides `alias.field`, `function(alias.field, ...)` or values."""
    match = _JOIN.match(text)
    if not match:
        raise ConditionSyntaxError(
            f"cannot read the join {text!r}: expected 'LEFT OP RIGHT' with OP one of < <= > >= == !="
        )
    return Join(_parse_join_side(match["left"]), match["op"], _parse_join_side(match["right"]), False, text)


# ---------------------------------------------------------------- predicates


def _days_apart(day1: str, day2: str) -> int:
    gap = abs(WEEKDAYS.index(day1) - WEEKDAYS.index(day2))
    return min(gap, 7 - gap)


def _shared_count(first: Any, second: Any) -> int:
    return len(set(first) & set(second))


JOIN_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "days_apart": (2, _days_apart),
    "shared_count": (2, _shared_count),
}

_BINARY: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda value, options: value in options,
    "not_in": lambda value, options: value not in options,
    "has": lambda values, wanted: wanted in values,
    "has_any": lambda values, wanted: any(option in values for option in wanted),
}


#: The same tests as Python expressions on `value`, `{operand}` standing for the operand's name in
#: generated code (`runstrong.engine.alpha`); `has_any` stays a call.
INLINE: dict[str, str] = {
    "<": "value < {operand}",
    "<=": "value <= {operand}",
    ">": "value > {operand}",
    ">=": "value >= {operand}",
    "==": "value == {operand}",
    "!=": "value != {operand}",
    "in": "value in {operand}",
    "not_in": "value not in {operand}",
    "has": "{operand} in value",
}


@dataclass(frozen=True, eq=False)
class ValueTest:
    """The test a known value must pass: `value op operand`, negated when asked (`operand` is
    resolved: no ThresholdRef). Compared by identity, like the functions experta's network keys on."""

    op: str
    operand: Any
    negated: bool = False
    _test: Callable[[Any, Any], bool] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_test", _BINARY[self.op])

    def __call__(self, value: Any) -> bool:
        result = self._test(value, self.operand)
        return not result if self.negated else result

    def expression(self, operand: str) -> str | None:
        """This test as a Python expression on `value`, with the operand named `operand`; None
        for a test that has none (`has_any`)."""
        template = INLINE.get(self.op)
        if template is None:
            return None
        text = template.format(operand=operand)
        return f"not ({text})" if self.negated else text

    def code(self, source: Source) -> str:
        """This test on `value` in generated code: its expression, or a call of it."""
        written = self.expression(source.name(self.operand, "operand"))
        return written if written is not None else f"{source.name(self, 'test')}(value)"


_TESTS: dict[tuple[str, Any, bool], ValueTest] = {}


def value_predicate(op: str, operand: Any, negated: bool = False) -> ValueTest:
    """The test a known value must pass; `operand` is already resolved (no ThresholdRef). Equal
    tests (`1` and `True` told apart) are one object: experta's network shares a test between
    the rules that make it only when it is the same object."""
    return remembered(_TESTS, (op, value_key(operand), negated), lambda: ValueTest(op, operand, negated))


def compare_values(op: str, left: Any, right: Any, negated: bool = False) -> bool:
    """`left op right` (negated when asked), for joins."""
    result = _BINARY[op](left, right)
    return not result if negated else result
