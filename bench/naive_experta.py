"""The baseline: the same rules run with experta used the usual way.

One KnowledgeEngine, built once and `reset()` per snapshot; one fact per snapshot section
(Profile, Plan, Running, Symptoms, Wellbeing, Metrics) declared as the snapshot gives it, with
experta `Field` validation generated from the snapshot's JSON Schema; one fact per list item
(also validated); derived values in a Derived fact; each firing declares a Fired fact and an
Advice fact per adjustment, read back from the fact list after `run()`.

The rule conditions are the rule files' own, in disjunctive normal form (runstrong.rules.compiler's
`branches`), with the same predicates, so the same rules fire (checked by bench/run.py).
"""

from __future__ import annotations

import json
from typing import Any

from experta import NOT, Fact, Field, KnowledgeEngine, P, W
from experta import Rule as ExpertaRule
from schema import And, Optional, Or

from runstrong.rules.compiler import branches, compare_predicate, field_constraints, item_patterns, normal_form
from runstrong.rules.conditions import Compare, ItemMatch
from runstrong.rules.model import RuleSet
from runstrong.snapshot.derive import derived_values
from runstrong.snapshot.facts import Conclusion, item_values
from runstrong.snapshot.fields import ITEM_LIST, SCALAR_LIST, catalogue
from runstrong.snapshot.validation import snapshot_schema

SECTIONS = ("profile", "plan", "running", "symptoms", "wellbeing", "metrics")


def _bounded(kind: Any, schema: dict[str, Any]) -> Any:
    low, high = schema.get("minimum"), schema.get("maximum")
    checks = [kind]
    if low is not None:
        checks.append(lambda v, low=low: v >= low)
    if high is not None:
        checks.append(lambda v, high=high: v <= high)
    return And(*checks)


def schema_definition(schema: dict[str, Any]) -> Any:
    """A `schema` library definition (what experta's Field takes) for a JSON Schema node."""
    if "enum" in schema:
        return Or(*schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", ()))
        return {
            (key if key in required else Optional(key)): schema_definition(sub)
            for key, sub in schema["properties"].items()
        }
    if kind == "array":
        return [schema_definition(schema["items"])]
    if kind == "integer":
        return _bounded(int, schema)
    if kind == "number":
        return _bounded(Or(int, float), schema)
    if kind == "boolean":
        return bool
    return str


def _fact_class(name: str, properties: dict[str, Any]) -> type[Fact]:
    fields = {key: Field(schema_definition(sub), mandatory=False) for key, sub in properties.items()}
    return type(name, (Fact,), fields)


class Fired(Fact):
    """A rule fired."""


class Advice(Fact):
    """An adjustment a rule gives."""


class Derived(Fact):
    """Values computed from the snapshot before the rules run."""


def _title(path: str) -> str:
    return "".join(part.title() for part in path.split(".")[-1].split("_"))


class NaiveEvaluator:
    """The baseline engine for a rule set."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        root = snapshot_schema()["properties"]
        self.sections = {name: _fact_class(name.title(), root[name]["properties"]) for name in SECTIONS}
        self.items: dict[str, type[Fact]] = {}
        for list_path in catalogue().lists:
            section, field = list_path.split(".")
            item_schema = root[section]["properties"][field]["items"]
            properties = item_schema.get("properties", {})
            self.items[list_path] = (
                _fact_class(_title(list_path) + "Item", properties)
                if properties
                else type(_title(list_path) + "Item", (Fact,), {})
            )
        namespace: dict[str, Any] = {}
        for rule in ruleset.rules:
            for index, leaves in enumerate(branches(normal_form(rule.when))):
                namespace[f"{rule.id}_{index}"] = self._rule(rule, leaves)
        self.engine = type("NaiveEngine", (KnowledgeEngine,), namespace)()

    def _athlete_pattern(self, compare: Compare) -> tuple[type[Fact], str, Any]:
        path = compare.field
        spec = catalogue().scalars.get(path)
        if path.startswith("derived."):
            fact, field = Derived, path.split(".", 1)[1]
        else:
            section, rest = path.split(".", 1)
            fact, field = self.sections[section], rest.replace(".", "__")
        if compare.op in ("is known", "is unknown"):
            return fact, field, W()
        predicate = compare_predicate(self.ruleset, compare)
        if spec is not None and spec.kind == ITEM_LIST:
            return fact, field, P(lambda value, test=predicate: test(len(value)))
        if spec is not None and spec.kind == SCALAR_LIST:
            return fact, field, P(lambda value, test=predicate: test(tuple(value)))
        return fact, field, P(predicate)

    def _item_pattern(self, item: ItemMatch) -> Any:
        return self.items[item.list](**field_constraints(self.ruleset, list(item.where)))

    def _rule(self, rule: Any, leaves: tuple[Any, ...]) -> Any:
        patterns: list[Any] = []
        by_fact: dict[type[Fact], dict[str, Any]] = {}
        compares = [leaf for leaf in leaves if isinstance(leaf, Compare)]
        compares += [Compare(leaf.list, "is known") for leaf in leaves if isinstance(leaf, ItemMatch) and leaf.negated]
        for compare in compares:
            fact, field, check = self._athlete_pattern(compare)
            if compare.op == "is unknown":
                patterns.append(NOT(fact(**{field: check})))
                continue
            fields = by_fact.setdefault(fact, {})
            fields[field] = fields[field] & check if field in fields else check
        patterns[:0] = [fact(**fields) for fact, fields in by_fact.items()]
        patterns += item_patterns(self.ruleset, leaves, self._item_pattern)[0]

        def fire(engine: KnowledgeEngine, **_bound: Any) -> None:
            engine.declare(Fired(rule=rule.id))
            for action in rule.then:
                if action.adjustment:
                    engine.declare(Advice(adjustment=action.adjustment, rule=rule.id))
                if action.conclude:
                    engine.declare(Conclusion(name=action.conclude))

        return ExpertaRule(*patterns, salience=rule.salience)(fire)

    def evaluate(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """Validate (experta Field) and evaluate one snapshot; return what fired and the advice."""
        engine = self.engine
        engine.reset()
        for name in SECTIONS:
            if name in snapshot:
                engine.declare(self.sections[name](**snapshot[name]))
        engine.declare(Derived(**{key.split(".", 1)[1]: value for key, value in derived_values(snapshot).items()}))
        for item in item_values(snapshot):
            engine.declare(self.items[item["list"]](**{k: v for k, v in item.items() if k != "list"}))
        engine.run()
        facts = list(engine.facts.values())
        fired = sorted({fact["rule"] for fact in facts if isinstance(fact, Fired)})
        adjustments = sorted({fact["adjustment"] for fact in facts if isinstance(fact, Advice)})
        adjustment_info = self.ruleset.knowledge.adjustments
        if "refer-to-clinician" in adjustments:
            status = "red"
        elif any(adjustment_info[a].direction == "decrease" for a in adjustments):
            status = "amber"
        else:
            status = "green"
        return {
            "athlete_id": snapshot["athlete_id"],
            "date": snapshot["date"],
            "status": status,
            "adjustments": adjustments,
            "rules": fired,
        }


def run_jsonl(evaluator: NaiveEvaluator, lines: Any, out: Any) -> int:
    """The baseline's batch loop: JSON Lines in, one JSON line out per snapshot."""
    count = 0
    for line in lines:
        result = evaluator.evaluate(json.loads(line))
        out.write(json.dumps(result) + "\n")
        count += 1
    return count
