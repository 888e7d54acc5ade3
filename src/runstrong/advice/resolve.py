"""From firings to advice: merge each adjustment's params, resolve conflicts by the catalogue's
`overrides`, and band the status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runstrong.engine.records import Evaluation, Firing
from runstrong.rules.knowledge import Adjustment
from runstrong.rules.model import RuleSet

STATUS_RANK = {"green": 0, "amber": 1, "red": 2}


@dataclass
class Recommendation:
    """One adjustment the rules gave, with the rules behind it and its merged params."""

    adjustment: Adjustment
    rules: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    suppressed_by: list[str] = field(default_factory=list)


@dataclass
class Advice:
    """The resolved advice for one snapshot."""

    status: str
    recommendations: list[Recommendation]
    suppressed: list[Recommendation]


def _param_value(ruleset: RuleSet, value: Any, firing: Firing) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return ruleset.threshold_value(value[1:])
    if isinstance(value, str) and value.startswith("@"):
        alias, _, name = value[1:].partition(".")
        return firing.items.get(alias, {}).get(name)
    return value


def _merge(merge: str, old: Any, new: Any) -> Any:
    if new is None:
        return old
    if merge == "collect":
        values = old if isinstance(old, list) else []
        return sorted({*values, new}, key=str)
    if old is None:
        return new
    return max(old, new) if merge == "max" else min(old, new)


def resolve_advice(ruleset: RuleSet, evaluation: Evaluation) -> Advice:
    """Collect adjustments in firing order, merge params, and apply the catalogue's overrides."""
    catalogue = ruleset.knowledge.adjustments
    given: dict[str, Recommendation] = {}
    for firing in evaluation.firings:
        for action in firing.rule.then:
            if action.adjustment is None:
                continue
            adjustment = catalogue[action.adjustment]
            rec = given.setdefault(action.adjustment, Recommendation(adjustment))
            if firing.rule.id not in rec.rules:
                rec.rules.append(firing.rule.id)
            for name, value in action.params:
                spec = adjustment.params[name]
                rec.params[name] = _merge(spec.merge, rec.params.get(name), _param_value(ruleset, value, firing))
    for rec in given.values():
        for overridden in rec.adjustment.overrides:
            if overridden in given and rec.adjustment.id not in given[overridden].suppressed_by:
                given[overridden].suppressed_by.append(rec.adjustment.id)
    kept = [rec for rec in given.values() if not rec.suppressed_by]
    suppressed = [rec for rec in given.values() if rec.suppressed_by]
    status = max((rec.adjustment.status for rec in kept), key=STATUS_RANK.__getitem__, default="green")
    return Advice(status, kept, suppressed)
