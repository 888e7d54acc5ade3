"""What would change the advice: the smallest change to a snapshot's numbers that makes a rule
fire, and which unknown fields could change the advice if they were known.

Candidates come from the rule's compiled branches (disjunctive normal form) and the compiled
predicates: for each comparison that does not hold, the nearest value of the snapshot field
behind it (a derived value is moved through the snapshot field it is computed from, e.g.
`derived.week_change_pct` through `running.week_km`) that passes the predicate. Every candidate
is then applied to a copy of the snapshot, validated, and re-run through the engine; only the
ones after which the rule really fires are reported.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.resolve import resolve_advice
from runstrong.engine.evaluator import Evaluation, Evaluator, fields_used
from runstrong.explain.outcome import FALSE, TRUE, UNKNOWN, compare_outcome, compare_text, threshold_info
from runstrong.explain.whynot import Facts
from runstrong.rules.compiler import branches, compare_predicate, normal_form, resolve
from runstrong.rules.conditions import Compare, Concluded, ItemMatch, Leaf
from runstrong.rules.ruleset import Rule, RuleSet
from runstrong.snapshot.derive import derive_item
from runstrong.snapshot.facts import UNKNOWN_KEY, athlete_values
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
from runstrong.snapshot.validation import Snapshot, validation_problems

_ITEM_PATH = re.compile(r"^(?P<list>[\w.]+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")
_MAX_TRIES = 6
_MAX_CHAIN = 2
_SEARCH_STEPS = 60

#: The snapshot fields a derived value can be moved through, and for each the field whose value
#: stands in for it when it is unknown (the value that makes the derived value neutral).
DERIVED_SOURCES: dict[str, list[tuple[str, str]]] = {
    "derived.week_change_pct": [("running.week_km", "running.prev_week_km")],
    "derived.cadence_drop_pct": [("running.cadence_spm", "running.cadence_baseline_spm")],
    "derived.long_run_spike_ratio": [("running.planned_long_run_km", "running.longest_run_30d_km")],
    "derived.bar_speed_drop_pct": [("metrics.bar_speed_mps.current", "metrics.bar_speed_mps.baseline")],
    "derived.reps_at_fixed_load_change": [
        ("metrics.reps_at_fixed_load.current", "metrics.reps_at_fixed_load.previous")
    ],
    "derived.circuit_time_change_pct": [("metrics.circuit_time_s.current", "metrics.circuit_time_s.previous")],
    "derived.heel_raise_min_reps": [
        ("metrics.heel_raise_reps.left", "metrics.heel_raise_reps.right"),
        ("metrics.heel_raise_reps.right", "metrics.heel_raise_reps.left"),
    ],
    "derived.heel_raise_asymmetry_pct": [
        ("metrics.heel_raise_reps.left", "metrics.heel_raise_reps.right"),
        ("metrics.heel_raise_reps.right", "metrics.heel_raise_reps.left"),
    ],
    "derived.knee_to_wall_min_cm": [
        ("metrics.knee_to_wall_cm.left", "metrics.knee_to_wall_cm.right"),
        ("metrics.knee_to_wall_cm.right", "metrics.knee_to_wall_cm.left"),
    ],
}
DERIVED_ITEM_SOURCES = {("symptoms.tendon", "next_morning_above_baseline"): ("pain_next_morning", "pain_baseline")}


@dataclass(frozen=True)
class Change:
    """One field set to a new value (`now` is None when the field was unknown)."""

    path: str
    now: Any
    to: Any
    condition: str
    via: str | None = None
    threshold: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        data = {
            "path": self.path,
            "now": self.now,
            "to": self.to,
            "condition": self.condition,
            "unit": _unit_of(self.path),
        }
        if self.via:
            data["via"] = self.via
        if self.threshold:
            data["threshold"] = self.threshold
        return data


@dataclass
class _Candidate:
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


def _cost(candidate: _Candidate) -> tuple[int, float]:
    return candidate.cost


# ---------------------------------------------------------------- snapshot paths


def _spec(path: str) -> FieldSpec | None:
    match = _ITEM_PATH.match(path)
    if match:
        return catalogue().lists.get(match["list"], {}).get(match["field"])
    return catalogue().scalars.get(path)


def _unit_of(path: str) -> str:
    spec = _spec(path)
    return spec.unit if spec else ""


def get_path(snapshot: Snapshot, path: str) -> Any:
    """The value at a snapshot path (`a.b.c` or `list.path[i].field`), None when absent."""
    match = _ITEM_PATH.match(path)
    parts = match["list"].split(".") if match else path.split(".")
    node: Any = snapshot
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if match:
        index = int(match["index"])
        if not isinstance(node, list) or index >= len(node) or not isinstance(node[index], dict):
            return None
        return node[index].get(match["field"])
    return node


def set_path(snapshot: Snapshot, path: str, value: Any) -> None:
    """Set a snapshot path in place, creating the mappings on the way."""
    match = _ITEM_PATH.match(path)
    parts = match["list"].split(".") if match else path.split(".")
    node = snapshot
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if match:
        node[parts[-1]][int(match["index"])][match["field"]] = value
    else:
        node[parts[-1]] = value


def apply_changes(snapshot: Snapshot, changes: list[dict[str, Any]] | list[Change]) -> Snapshot:
    """A copy of `snapshot` with the changes applied (items appended when `path` is a list)."""
    changed = copy.deepcopy(snapshot)
    for change in changes:
        path, value = (change.path, change.to) if isinstance(change, Change) else (change["path"], change["to"])
        set_path(changed, path, copy.deepcopy(value))
    return changed


# ---------------------------------------------------------------- searching for a value


def _resolution(spec: FieldSpec, now: Any) -> float:
    if spec.kind == INTEGER or "reps" in spec.path or spec.unit == "reps":
        return 1.0
    decimals = 1
    if isinstance(now, float):
        text = repr(now)
        decimals = max(1, min(3, len(text.split(".")[1]) if "." in text and "e" not in text else 1))
    return 10.0**-decimals


def _grid(spec: FieldSpec, value: float) -> float:
    return round(value) if spec.kind == INTEGER else round(value, 3)


def nearest_value(spec: FieldSpec, start: float, holds: Callable[[float], bool]) -> float | None:
    """The value on the field's grid nearest to `start`, within its range, for which `holds`,
    assuming the set where it holds is a half-line (a monotone derived value) or one point."""
    step = _resolution(spec, start)
    if holds(_grid(spec, start)):
        return _grid(spec, start)
    low = spec.minimum if spec.minimum is not None else (0.0 if start >= 0 else start * 10 - 100)
    high = spec.maximum if spec.maximum is not None else max(abs(start) * 10, 1000.0)
    best: float | None = None
    for end in (low, high):
        far = math.floor(abs(end - start) / step + 1e-9)
        direction = 1 if end >= start else -1
        if far > 1 and not holds(_grid(spec, start + direction * far * step)):
            far -= 1  # a range end may be undefined for a derived value (a zero denominator)
        if far == 0 or not holds(_grid(spec, start + direction * far * step)):
            continue
        near, outer = 0, far  # holds at `outer`, not (known) at `near`
        for _ in range(_SEARCH_STEPS):
            if outer - near <= 1:
                break
            middle = (near + outer) // 2
            if holds(_grid(spec, start + direction * middle * step)):
                outer = middle
            else:
                near = middle
        value = _grid(spec, start + direction * outer * step)
        if best is None or abs(value - start) < abs(best - start):
            best = value
    return best


class _Planner:
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

                value = nearest_value(catalogue().scalars[source], now if now is not None else other, holds)
                if value is not None:
                    return Change(source, now, value, text, leaf.field, threshold)
            return None
        now = get_path(self.snapshot, leaf.field)
        if now is None and not unknown_ok:
            return None
        value = self.fill_value(spec, leaf, now)
        return None if value is None else Change(leaf.field, now, value, text, None, threshold)

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
            if len(changes) == len(wanted) and (best is None or _Candidate(changes).cost < _Candidate(best).cost):
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
            changes.append(min(options, key=lambda change: _Candidate([change]).cost))
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
            value = nearest_value(
                specs[field_name],
                now if now is not None else base,
                lambda x: predicate(derive_item(leaf.list, {**raw, field_name: x}).get(compare.field)),
            )
            return (
                None
                if value is None
                else Change(f"{leaf.list}[{index}].{field_name}", now, value, text, compare.field, threshold)
            )
        now = item.get(compare.field)
        if now is None and not unknown_ok:
            return None
        value = self.fill_value(spec, compare, now)
        return (
            None
            if value is None
            else Change(f"{leaf.list}[{index}].{compare.field}", now, value, text, None, threshold)
        )

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


# ---------------------------------------------------------------- rules


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


Chain = Callable[[str], "_Candidate | None"]


def _plan_branch(
    planner: _Planner, leaves: tuple[Leaf, ...], unknown_mode: bool, chain: Chain | None = None
) -> _Candidate | None:
    """Changes for every leaf of a branch that does not hold, or None when a leaf is no lever.

    In unknown mode only leaves that are unknown may be changed (by giving the unknown field a
    value); otherwise only known numbers are changed. A conclusion the branch needs is reached
    through `chain`: the changes that make a rule concluding it fire.
    """
    candidate = _Candidate()
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


def advice_change(ruleset: RuleSet, before: Evaluation, after: Evaluation) -> dict[str, Any]:
    """How the advice differs between two evaluations: status and adjustments added/removed."""
    old, new = resolve_advice(ruleset, before), resolve_advice(ruleset, after)
    old_params = {r.adjustment.id: r.params for r in old.recommendations}
    new_params = {r.adjustment.id: r.params for r in new.recommendations}
    params = {
        adjustment: {"from": old_params[adjustment], "to": new_params[adjustment]}
        for adjustment in old_params
        if adjustment in new_params and old_params[adjustment] != new_params[adjustment]
    }
    return {
        "status": [old.status, new.status],
        "added": [a for a in new_params if a not in old_params],
        "removed": [a for a in old_params if a not in new_params],
        "params": params,
        "changes_advice": old.status != new.status or set(old_params) != set(new_params) or bool(params),
    }


class WhatIf:
    """Counterfactuals for one evaluated snapshot, each verified with the engine."""

    def __init__(self, evaluator: Evaluator, evaluation: Evaluation) -> None:
        self.evaluator, self.evaluation = evaluator, evaluation
        self.ruleset = evaluator.ruleset
        self.facts = Facts(evaluation)
        self.planner = _Planner(self.ruleset, evaluation.snapshot, self.facts)
        self._planned: dict[tuple[str, bool, int], list[_Candidate]] = {}

    def _candidates(self, rule: Rule, unknown_mode: bool, depth: int = 0) -> list[_Candidate]:
        """Planned (not yet verified) changes for each branch of a rule, cheapest first."""
        key = (rule.id, unknown_mode, depth)
        if key not in self._planned:

            def chain(name: str) -> _Candidate | None:
                return self._concluding(name, unknown_mode, depth + 1)

            candidates = [
                c
                for leaves in branches(normal_form(rule.when))
                if (c := _plan_branch(self.planner, leaves, unknown_mode, chain if depth < _MAX_CHAIN else None))
                is not None
            ]
            unique: list[_Candidate] = []
            for candidate in sorted(candidates, key=lambda c: c.cost):
                if all(candidate.changes != seen.changes for seen in unique):
                    unique.append(candidate)
            self._planned[key] = unique
        return self._planned[key]

    def _concluding(self, name: str, unknown_mode: bool, depth: int) -> _Candidate | None:
        """The cheapest planned change that makes some rule concluding `name` fire."""
        options = [
            candidates[0]
            for rule in self.ruleset.rules
            if name in rule.conclusions
            if (candidates := self._candidates(rule, unknown_mode, depth))
        ]
        return min(options, key=_cost) if options else None

    def _verified(self, rule: Rule, unknown_mode: bool) -> list[tuple[_Candidate, Evaluation]]:
        """Verified candidates, cheapest first: the first one, or (in unknown mode) the first
        for each different set of fields changed."""
        unique = self._candidates(rule, unknown_mode)
        found: list[tuple[_Candidate, Evaluation]] = []
        covered: set[frozenset[str]] = set()
        for candidate in unique[:_MAX_TRIES]:
            paths = frozenset(change.path for change in candidate.changes)
            if paths in covered:
                continue
            changed = apply_changes(self.evaluation.snapshot, candidate.changes)
            if validation_problems(changed):
                continue
            after = self.evaluator.evaluate(changed)
            if rule.id in after.fired_rule_ids:
                found.append((candidate, after))
                covered.add(paths)
                if not unknown_mode:
                    break
        return found

    def for_rule(self, rule: Rule) -> dict[str, Any] | None:
        """The smallest verified change to known numbers that makes a rule fire (None if none)."""
        if rule.id in self.facts.fired:
            return None
        found = self._verified(rule, unknown_mode=False)
        if not found:
            return None
        candidate, after = found[0]
        return {
            "rule": rule.id,
            "title": rule.title,
            "adjustments": list(rule.adjustments),
            "changes": [c.as_dict() for c in candidate.changes],
            "verified": True,
            "advice": advice_change(self.ruleset, self.evaluation, after),
        }

    def all_rules(self) -> list[dict[str, Any]]:
        """Counterfactuals for every rule that did not fire, smallest first."""
        found = [cf for rule in self.ruleset.rules if (cf := self.for_rule(rule)) is not None]
        return sorted(found, key=lambda cf: (len(cf["changes"]), cf["rule"]))

    def rule_unknowns(self, rule: Rule) -> list[dict[str, Any]]:
        """Verified scenarios in which giving unknown fields a value makes a rule fire."""
        if rule.id in self.facts.fired:
            return []
        return [
            {
                "rule": rule.id,
                "title": rule.title,
                "adjustments": list(rule.adjustments),
                "changes": [c.as_dict() for c in candidate.changes],
                "advice": advice_change(self.ruleset, self.evaluation, after),
            }
            for candidate, after in self._verified(rule, unknown_mode=True)
        ]

    def unknowns(self) -> list[dict[str, Any]]:
        """For each unknown field a non-fired rule needs: could knowing it change the advice?"""
        missing = self.facts.athlete[UNKNOWN_KEY]
        scenarios = [s for rule in self.ruleset.rules for s in self.rule_unknowns(rule)]
        report = []
        needed: dict[str, list[str]] = {}
        for rule in self.ruleset.rules:
            if rule.id not in self.facts.fired:
                for leaf in fields_used(rule):
                    if leaf in missing:
                        needed.setdefault(leaf, []).append(rule.id)
        for name, rules in sorted(needed.items()):
            related = [s for s in scenarios if any(_touches(c, name) for c in s["changes"])]
            if not related:
                verdict = "no single scenario found"
            elif any(s["advice"]["changes_advice"] for s in related):
                verdict = "could change the advice"
            else:
                verdict = "rules could fire, advice would stay the same"
            report.append(
                {
                    "field": name,
                    "rules": rules,
                    "scenarios": related,
                    "verdict": verdict,
                    "could_change_advice": verdict == "could change the advice",
                }
            )
        return report


def _touches(change: dict[str, Any], name: str) -> bool:
    return change["path"] == name or change.get("via") == name or change["path"].startswith(f"{name}[")
