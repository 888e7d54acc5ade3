"""Planning the candidate changes that make the comparisons of one rule branch hold."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runstrong.explain.changes import (
    DERIVED_ITEM_SOURCES,
    DERIVED_SOURCES,
    Bound,
    Change,
    get_path,
    moved_bound,
    nearest_value,
    set_path,
    threshold_bound,
)
from runstrong.explain.outcome import FALSE, TRUE, UNKNOWN, compare_outcome, compare_text, folded_op, threshold_info
from runstrong.explain.whynot import Facts
from runstrong.rules.compiler import compare_predicate, resolve
from runstrong.rules.conditions import Compare, Concluded, ItemMatch, Leaf
from runstrong.rules.model import RuleSet
from runstrong.snapshot.applies import AGE, SEX
from runstrong.snapshot.derive import derive_item
from runstrong.snapshot.facts import athlete_values
from runstrong.snapshot.fields import (
    BOOLEAN,
    ENUM,
    INTEGER,
    NUMBER,
    SCALAR_ITEM_FIELD,
    SCALAR_LIST,
    FieldSpec,
    catalogue,
)
from runstrong.snapshot.validation import Snapshot

MAX_CHAIN = 2
#: Fields that say who the athlete is: once known, never changed to make a rule fire.
WHO = (SEX, AGE)


#: Asked for a conclusion's name, the cheapest candidate that makes a rule giving it fire.
Chain = Callable[[str], "Candidate | None"]


@dataclass
class Candidate:
    changes: list[Change] = field(default_factory=list)

    @property
    def cost(self) -> tuple[int, float]:
        size = 0.0
        for change in self.changes:
            if (
                isinstance(change.now, (int, float))
                and isinstance(change.to, (int, float))
                and not isinstance(change.now, bool)
            ):
                size += abs(change.to - change.now) / max(abs(change.now), 1.0)
            else:
                size += 1.0
        return len(self.changes), size


def cost(candidate: Candidate) -> tuple[int, float]:
    return candidate.cost


class Planner:
    """Finds the changes that make one leaf of a branch hold."""

    def __init__(self, ruleset: RuleSet, snapshot: Snapshot, facts: Facts) -> None:
        self.ruleset, self.snapshot, self.facts = ruleset, snapshot, facts

    def _derived_value(self, derived: str, source: str, value: Any) -> Any:
        trial = copy.deepcopy(self.snapshot)
        set_path(trial, source, value)
        return athlete_values(trial).get(derived)

    def athlete_change(self, leaf: Compare, unknown_ok: bool) -> Change | None:
        """A change to the snapshot field behind `leaf` (directly, or through a derived value)."""
        predicate = compare_predicate(self.ruleset, leaf)
        spec = catalogue().scalars[leaf.field]
        threshold = threshold_info(self.ruleset, leaf.operand)
        text = compare_text(leaf)
        if spec.derived:
            for source, reference in DERIVED_SOURCES.get(leaf.field, []):
                now, other = get_path(self.snapshot, source), get_path(self.snapshot, reference)
                if now is not None and other is None and unknown_ok:
                    source, now, other = reference, None, now  # the unknown input is the one to fill
                if (other is None and now is None) or (now is None and not unknown_ok):
                    continue

                def holds(value: float, source: str = source) -> bool:
                    derived = self._derived_value(leaf.field, source, value)
                    return derived is not None and bool(predicate(derived))

                start, source_spec = now if now is not None else other, catalogue().scalars[source]
                value = nearest_value(source_spec, start, holds)
                if value is not None:
                    bound = moved_bound(source_spec, folded_op(leaf), start, value, holds)
                    return Change(source, now, value, text, leaf.field, threshold, bound)
            return None
        now = get_path(self.snapshot, leaf.field)
        if (now is None and not unknown_ok) or (now is not None and leaf.field in WHO):
            return None  # a known sex or age is who the athlete is, not a lever
        value = self.fill_value(spec, leaf, now)
        bound = self.bound(spec, leaf)
        return None if value is None else Change(leaf.field, now, value, text, None, threshold, bound)

    def bound(self, spec: FieldSpec, leaf: Compare) -> Bound | None:
        """Which values of a number field pass `leaf`: those past its threshold."""
        if spec.kind not in (NUMBER, INTEGER):
            return None
        return threshold_bound(spec, folded_op(leaf), resolve(self.ruleset, leaf.operand))

    def fill_value(self, spec: FieldSpec, leaf: Compare, now: Any) -> Any:
        """A value of the field that passes `leaf`, nearest to `now` for numbers."""
        predicate = compare_predicate(self.ruleset, leaf)
        if spec.kind in (NUMBER, INTEGER):
            if leaf.op in ("==", "in") and not leaf.negated:
                wanted = resolve(self.ruleset, leaf.operand)
                options = wanted if isinstance(wanted, tuple) else (wanted,)
                return options[0] if options else None
            start = now
            if start is None:
                threshold = threshold_info(self.ruleset, leaf.operand)
                start = threshold["value"] if threshold else leaf.operand
                if not isinstance(start, (int, float)) or isinstance(start, bool):
                    return None
            return nearest_value(spec, start, predicate)
        if now is not None:
            return None  # only numbers are changed; other known fields are facts, not levers
        if spec.kind == BOOLEAN:
            return next((v for v in (True, False) if predicate(v)), None)
        if spec.kind == ENUM:
            return next((v for v in spec.choices if predicate(v)), None)
        if spec.kind == SCALAR_LIST:
            return next(([v] for v in spec.choices if predicate((v,))), None)
        return None

    def item_changes(self, leaf: ItemMatch, unknown_ok: bool) -> list[Change] | None:
        """Changes to one existing item (or a new item for an unknown list) that make it match."""
        items = self.facts.items.get(leaf.list, [])
        if not self.facts.list_known(leaf.list):
            return self.new_item(leaf) if unknown_ok else None
        best: list[Change] | None = None
        for item in items:
            wanted = [
                compare
                for compare in leaf.where
                if compare_outcome(self.ruleset, compare, item, leaf.list)["result"] != TRUE
            ]
            found = [self.item_field_change(leaf, item, compare, unknown_ok) for compare in wanted]
            changes = [change for change in found if change is not None]
            if len(changes) == len(wanted) and (best is None or Candidate(changes).cost < Candidate(best).cost):
                best = changes
        return best

    def no_item_changes(self, leaf: ItemMatch) -> list[Change] | None:
        """Changes to every item that matches a `no_item` condition, so that none does."""
        changes: list[Change] = []
        for item in self.facts.items.get(leaf.list, []):
            outcomes = [compare_outcome(self.ruleset, c, item, leaf.list)["result"] for c in leaf.where]
            if any(result != TRUE for result in outcomes):
                continue
            options = [
                change
                for compare in leaf.where
                if not compare.op.startswith("is ")
                if (change := self.item_field_change(leaf, item, compare.negate(), False)) is not None
            ]
            if not options:
                return None
            changes.append(min(options, key=lambda change: Candidate([change]).cost))
        return changes or None

    def item_field_change(
        self, leaf: ItemMatch, item: dict[str, Any], compare: Compare, unknown_ok: bool
    ) -> Change | None:
        specs = catalogue().lists[leaf.list]
        spec = specs.get(compare.field)
        if spec is None or compare.op.startswith("is "):
            return None
        index, text = item["index"], f"{leaf.list}[{item['index']}]: {compare_text(compare)}"
        threshold = threshold_info(self.ruleset, compare.operand)
        source = DERIVED_ITEM_SOURCES.get((leaf.list, compare.field))
        if source:
            field_name, reference = source
            now, base = item.get(field_name), item.get(reference)
            if base is None or (now is None and not unknown_ok):
                return None
            predicate = compare_predicate(self.ruleset, compare)
            raw = {k: v for k, v in item.items() if k not in ("list", "index", compare.field)}

            def holds(x: float) -> bool:
                return bool(predicate(derive_item(leaf.list, {**raw, field_name: x}).get(compare.field)))

            start = now if now is not None else base
            value = nearest_value(specs[field_name], start, holds)
            if value is None:
                return None
            bound = moved_bound(specs[field_name], folded_op(compare), start, value, holds)
            path = f"{leaf.list}[{index}].{field_name}"
            return Change(path, now, value, text, compare.field, threshold, bound)
        now = item.get(compare.field)
        if now is None and not unknown_ok:
            return None
        value = self.fill_value(spec, compare, now)
        path = f"{leaf.list}[{index}].{compare.field}"
        return None if value is None else Change(path, now, value, text, None, threshold, self.bound(spec, compare))

    def new_item(self, leaf: ItemMatch) -> list[Change] | None:
        """An unknown list given one item that matches `leaf`."""
        specs = catalogue().lists[leaf.list]
        item: dict[str, Any] = {}
        for compare in leaf.where:
            spec = specs.get(compare.field)
            if spec is None or compare.op.startswith("is ") or spec.derived:
                return None
            value = self.fill_value(spec, compare, None)
            if value is None:
                return None
            item[compare.field] = value
        scalar_field = SCALAR_ITEM_FIELD.get(leaf.list)
        if scalar_field:  # a list of plain values (red flags, key run days)
            value = item.get(scalar_field)
            return None if value is None else [Change(leaf.list, None, [value], f"an item of {leaf.list}")]
        for name, spec in specs.items():
            if name not in item and spec.kind == ENUM and spec.choices and not spec.derived:
                item[name] = spec.choices[0]
                break
        return [
            Change(
                leaf.list,
                None,
                [item],
                f"an item of {leaf.list} where " + ", ".join(compare_text(c) for c in leaf.where),
            )
        ]


def _leaf_result(ruleset: RuleSet, facts: Facts, leaf: Leaf) -> str:
    if isinstance(leaf, Compare):
        return str(compare_outcome(ruleset, leaf, facts.athlete)["result"])
    if isinstance(leaf, ItemMatch):
        if not facts.list_known(leaf.list):
            return UNKNOWN
        results = [
            all(compare_outcome(ruleset, c, item, leaf.list)["result"] == TRUE for c in leaf.where)
            for item in facts.items.get(leaf.list, [])
        ]
        return (FALSE if any(results) else TRUE) if leaf.negated else (TRUE if any(results) else FALSE)
    if isinstance(leaf, Concluded):
        concluded = leaf.name in facts.concluded_by
        return TRUE if concluded != leaf.negated else FALSE
    return TRUE  # joins: left to the verifying run


def plan_branch(
    planner: Planner, leaves: tuple[Leaf, ...], unknown_mode: bool, chain: Chain | None = None
) -> Candidate | None:
    """Changes for every leaf of a branch that does not hold, or None when a leaf is no lever.

    In unknown mode only leaves that are unknown may be changed (by giving the unknown field a
    value); otherwise only known numbers are changed. A conclusion the branch needs is reached
    through `chain`: the changes that make a rule concluding it fire.
    """
    candidate = Candidate()
    any_unknown = False
    for leaf in leaves:
        result = _leaf_result(planner.ruleset, planner.facts, leaf)
        if result == TRUE:
            continue
        if isinstance(leaf, Concluded) and not leaf.negated:
            through = chain(leaf.name) if chain else None
            if through is None:
                return None
            candidate.changes += through.changes
            any_unknown |= any(change.now is None for change in through.changes)
            continue
        if (result == UNKNOWN) != unknown_mode:
            return None
        any_unknown |= result == UNKNOWN
        if isinstance(leaf, Compare) and not leaf.op.startswith("is "):
            change = planner.athlete_change(leaf, unknown_mode)
            changes = [change] if change else None
        elif isinstance(leaf, ItemMatch) and not leaf.negated:
            changes = planner.item_changes(leaf, unknown_mode)
        elif isinstance(leaf, ItemMatch) and not unknown_mode:
            changes = planner.no_item_changes(leaf)
        else:
            return None
        if not changes:
            return None
        candidate.changes += changes
    if not candidate.changes or (unknown_mode and not any_unknown):
        return None
    return candidate
