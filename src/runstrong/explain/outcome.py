"""Three-valued outcomes of single conditions, shared by traces (`explain`) and why-not reports.

Every test here uses `compiler.compare_predicate` / `compiler.JoinTest`, the very callables the
experta patterns are built from, so a report cannot disagree with the engine about a value.
"""

from __future__ import annotations

from typing import Any

from runstrong.rules.compiler import JoinTest, compare_predicate
from runstrong.rules.conditions import Call, Compare, Concluded, FieldRef, ItemMatch, Join, Leaf, ThresholdRef
from runstrong.rules.model import RuleSet
from runstrong.snapshot.facts import UNKNOWN_KEY
from runstrong.snapshot.fields import catalogue

TRUE, FALSE, UNKNOWN = "true", "false", "unknown"
NOT_APPLICABLE = "does not apply to this athlete's sex or age"
_RANK = {FALSE: 0, UNKNOWN: 1, TRUE: 2}
_NEGATED_WORDS = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==", "in": "not_in", "not_in": "in"}


def all_of(results: list[str]) -> str:
    """Kleene AND: false if any is false, else unknown if any is unknown."""
    return min(results, key=_RANK.__getitem__, default=TRUE)


def any_of(results: list[str]) -> str:
    """Kleene OR: true if any is true, else unknown if any is unknown."""
    return max(results, key=_RANK.__getitem__, default=FALSE)


def at_least(count: int, results: list[str]) -> str:
    """At least `count` true: true when enough are true, false when too few could be."""
    trues = results.count(TRUE)
    if trues >= count:
        return TRUE
    return UNKNOWN if trues + results.count(UNKNOWN) >= count else FALSE


def rank(result: str) -> int:
    return _RANK[result]


def operand_text(operand: Any) -> str:
    if isinstance(operand, ThresholdRef):
        return f"${operand.name}"
    if isinstance(operand, tuple):
        return "[" + ", ".join(operand_text(value) for value in operand) + "]"
    if isinstance(operand, bool):
        return "true" if operand else "false"
    return str(operand)


def folded_op(compare: Compare) -> str | None:
    """The comparison's operator with `not` folded in (None when it cannot be folded)."""
    if not compare.negated:
        return compare.op
    return _NEGATED_WORDS.get(compare.op)


def compare_text(compare: Compare) -> str:
    """The comparison as a rule author would write it (`not` folded into the operator)."""
    if compare.op.startswith("is "):
        return f"{compare.field} {compare.op}"
    op = folded_op(compare)
    if op is None:
        return f"not {compare.field} {compare.op} {operand_text(compare.operand)}"
    return f"{compare.field} {op} {operand_text(compare.operand)}"


def _side_text(side: Any) -> str:
    if isinstance(side, FieldRef):
        return f"{side.alias}.{side.field}"
    if isinstance(side, Call):
        return f"{side.function}({', '.join(_side_text(arg) for arg in side.args)})"
    return operand_text(side)


def leaf_text(leaf: Leaf) -> str:
    """One line naming a leaf condition."""
    if isinstance(leaf, Compare):
        return compare_text(leaf)
    if isinstance(leaf, ItemMatch):
        where = ", ".join(compare_text(c) for c in leaf.where)
        head = f"no item of {leaf.list}" if leaf.negated else f"an item of {leaf.list}"
        alias = f" (as {leaf.alias})" if leaf.alias else ""
        return f"{head}{alias}" + (f" where {where}" if where else "")
    if isinstance(leaf, Join):
        text = f"{_side_text(leaf.left)} {leaf.op} {_side_text(leaf.right)}"
        return f"not ({text})" if leaf.negated else text
    assert isinstance(leaf, Concluded)
    return f"not concluded: {leaf.name}" if leaf.negated else f"concluded: {leaf.name}"


def threshold_info(ruleset: RuleSet, operand: Any) -> dict[str, Any] | None:
    """Name, value, unit, source and grade of a `$threshold` operand (None for literals)."""
    if not isinstance(operand, ThresholdRef):
        return None
    threshold = ruleset.knowledge.thresholds[operand.name]
    return {
        "name": threshold.name,
        "value": threshold.value,
        "unit": threshold.unit,
        "source": threshold.source,
        "grade": threshold.grade,
    }


def field_unit(path: str, list_path: str | None = None) -> str:
    """The unit of a snapshot, derived or item field ('' when it has none)."""
    specs = catalogue().lists.get(list_path, {}) if list_path else catalogue().scalars
    spec = specs.get(path)
    return spec.unit if spec else ""


def plain(value: Any) -> Any:
    """A JSON-ready copy of a fact value (tuples and frozensets become lists)."""
    if isinstance(value, (tuple, list, frozenset, set)):
        return sorted(plain(v) for v in value) if isinstance(value, (frozenset, set)) else [plain(v) for v in value]
    return value


def compare_outcome(
    ruleset: RuleSet, compare: Compare, fact: dict[str, Any], list_path: str | None = None
) -> dict[str, Any]:
    """A comparison tested on one fact (the athlete, or an item), exactly as its pattern would.

    A missing field makes the outcome unknown; `is unknown` reads the fact's `_unknown` set, and
    a fact without one (items) cannot show a field as unknown, as in the engine. A field in
    neither (it does not apply to the athlete's sex or age) makes every test on it false.
    """
    outcome: dict[str, Any] = {
        "kind": "compare",
        "text": compare_text(compare),
        "field": compare.field,
        "unit": field_unit(compare.field, list_path),
    }
    threshold = threshold_info(ruleset, compare.operand)
    if threshold:
        outcome["threshold"] = threshold
    if UNKNOWN_KEY in fact and compare.field not in fact and compare.field not in fact[UNKNOWN_KEY]:
        # a field that does not apply to the athlete (`applies_to`): neither known nor unknown
        outcome.update(value=None, known=False, applies=False, result=FALSE, note=NOT_APPLICABLE)
        return outcome
    if compare.op == "is unknown":
        known_unknown = UNKNOWN_KEY in fact
        outcome["value"] = plain(fact.get(compare.field))
        outcome["known"] = compare.field in fact
        if not known_unknown:
            outcome["result"] = UNKNOWN
            outcome["note"] = "item facts carry no list of unknown fields, so the engine cannot match this"
        else:
            outcome["result"] = TRUE if compare.field in fact[UNKNOWN_KEY] else FALSE
        return outcome
    if compare.field not in fact:
        outcome.update(value=None, known=False, result=FALSE if compare.op == "is known" else UNKNOWN)
        return outcome
    value = fact[compare.field]
    outcome.update(value=plain(value), known=True, result=TRUE if compare_predicate(ruleset, compare)(value) else FALSE)
    return outcome


def join_outcome(ruleset: RuleSet, join: Join, bound: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """A join tested with the engine's own TEST callable on the bound items."""
    outcome: dict[str, Any] = {"kind": "join", "text": leaf_text(join)}
    threshold = threshold_info(ruleset, join.right) or threshold_info(ruleset, join.left)
    if threshold:
        outcome["threshold"] = threshold
    refs = [
        arg
        for side in (join.left, join.right)
        for arg in (side.args if isinstance(side, Call) else (side,) if isinstance(side, FieldRef) else ())
    ]
    missing = sorted({ref.alias for ref in refs if bound.get(ref.alias) is None})
    if missing:
        outcome.update(result=UNKNOWN, note=f"no item bound to {', '.join(missing)}")
        return outcome
    facts = {alias: item for alias, item in bound.items() if item is not None}
    test = JoinTest(ruleset, join, tuple(facts))
    try:
        left, right = test.left(facts), test.right(facts)
    except (KeyError, TypeError, ValueError):
        left = right = None
    outcome["bound_items"] = {
        alias: f"{facts[alias]['list']}[{facts[alias]['index']}]" for alias in sorted({ref.alias for ref in refs})
    }
    outcome["value"] = {"left": plain(left), "right": plain(right)}
    if left is None or right is None:
        outcome.update(result=UNKNOWN, note="a compared item field is unknown")
        return outcome
    outcome["result"] = TRUE if test(**facts) else FALSE
    return outcome


def item_outcome(ruleset: RuleSet, leaf: ItemMatch, item: dict[str, Any]) -> dict[str, Any]:
    """One item tested against every `where` comparison of an item condition (no short-circuit)."""
    checks = [compare_outcome(ruleset, compare, item, leaf.list) for compare in leaf.where]
    fields = {k: plain(v) for k, v in item.items() if k not in ("list", "index", UNKNOWN_KEY)}
    return {
        "item": f"{item['list']}[{item['index']}]",
        "index": item["index"],
        "fields": fields,
        "where": checks,
        "result": all_of([c["result"] for c in checks]),
    }
