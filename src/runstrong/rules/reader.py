"""Reading one rule file: its schema, conditions, actions and examples, each problem with its line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from runstrong.rules.applicability import applies_to_schema, gate_conditions, rule_applies_to
from runstrong.rules.compiler import branches, normal_form
from runstrong.rules.conditions import (
    JOIN_FUNCTIONS,
    ORDER_OPS,
    AllOf,
    AnyOf,
    AtLeast,
    Call,
    Compare,
    Concluded,
    Condition,
    ConditionSyntaxError,
    FieldRef,
    ItemMatch,
    Join,
    Not,
    ThresholdRef,
    parse_compare,
    parse_join,
)
from runstrong.rules.knowledge import GRADES, KnowledgeBase
from runstrong.rules.model import (
    Action,
    Example,
    Rule,
    parse_placeholder,
    placeholder_problem,
    template_placeholders,
    template_problems,
)
from runstrong.rules.referral_model import flag_problems
from runstrong.rules.thresholds import threshold_problems
from runstrong.snapshot.applies import AppliesTo
from runstrong.snapshot.fields import BOOLEAN, ENUM, ITEM_LIST, SCALAR_LIST, FieldSpec, catalogue
from runstrong.snapshot.validation import validation_problems
from runstrong.util.errors import Problem
from runstrong.util.located import given, line_at, schema_problems, unknown_key
from runstrong.util.paths import default_rules_dir

ID_PATTERN = re.compile(r"^[A-Z]{2}\d{2}$")


NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


#: The keys of an `item:` / `no_item:` condition, and the keys a condition may start with.
ITEM_KEYS = ("item", "no_item", "as", "where")
CONDITION_KEYS = ["item", "no_item", "as", "where", "join", "concluded", "all", "any", "not", "at_least", "of"]


EXAMPLE_BASE = {"athlete_id": "example", "date": "2026-01-05"}


_EXAMPLE = {
    "type": "object",
    "required": ["name", "snapshot"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": NAME_PATTERN.pattern},
        "snapshot": {"type": "object"},
        "note": {"type": "string"},
    },
}


RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "title", "grade", "when", "then", "rationale", "evidence", "examples"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN.pattern},
        "name": {"type": "string", "pattern": NAME_PATTERN.pattern},
        "title": {"type": "string", "minLength": 1},
        "salience": {"type": "integer"},
        "grade": {"enum": GRADES},
        "applies_to": applies_to_schema(),
        "when": {"type": "array", "minItems": 1},
        "then": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "adjustment": {"type": "string"},
                    "conclude": {"type": "string"},
                    "params": {"type": "object"},
                },
                "oneOf": [{"required": ["adjustment"]}, {"required": ["conclude"]}],
            },
        },
        "rationale": {"type": "string", "minLength": 1},
        "because": {"type": "string", "minLength": 1},
        "evidence": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "examples": {
            "type": "object",
            "additionalProperties": False,
            "required": ["fires", "does_not_fire"],
            "properties": {
                "fires": {"type": "array", "minItems": 1, "items": _EXAMPLE},
                "does_not_fire": {"type": "array", "minItems": 1, "items": _EXAMPLE},
            },
        },
    },
}


#: The bundled rule set also requires `because` (rule sets elsewhere, such as small test sets, may
#: leave it out; their firings are then explained by the rule's title).
BUNDLED_RULE_SCHEMA: dict[str, Any] = {**RULE_SCHEMA, "required": [*RULE_SCHEMA["required"], "because"]}


def _in_bundled_rules(file: Path) -> bool:
    return file.resolve().is_relative_to(default_rules_dir().resolve())


class RuleReader:
    """Turns one rule file's data into a Rule, collecting every problem with its line."""

    def __init__(self, file: Path, data: Any, knowledge: KnowledgeBase, check_examples: bool) -> None:
        self.file, self.data, self.knowledge = file, data, knowledge
        self.check_examples = check_examples
        self.problems: list[Problem] = []
        self.aliases: dict[str, str] = {}
        #: The line of each `concluded:` condition, by (conclusion, tested under `not`): the checks
        #: across rules report there.
        self.concluded_lines: dict[tuple[str, bool], int] = {}
        self.id_line = line_at(data, ["id"])

    def problem(self, path: list[Any], message: str) -> None:
        self.problems.append(Problem(f"{self.file}:{line_at(self.data, path)}", message))

    # -- values

    def check_operand(self, path: list[Any], spec: FieldSpec, op: str, operand: Any) -> None:
        if isinstance(operand, ThresholdRef):
            threshold = self.knowledge.thresholds.get(operand.name)
            for message in threshold_problems(operand.name, threshold.value if threshold else None, op, spec):
                self.problem(path, message)
            return
        values = operand if isinstance(operand, tuple) else (operand,)
        if op in ORDER_OPS and not spec.numeric:
            self.problem(path, f"'{op}' needs a number field; '{spec.path}' is {spec.kind}")
        if op in ("has", "has_any") and spec.kind != SCALAR_LIST:
            self.problem(path, f"'{op}' needs a list of values; '{spec.path}' is {spec.kind}")
        for value in values:
            if spec.choices and value not in spec.choices:
                self.problem(path, f"'{value}' is not a value of '{spec.path}' (one of {', '.join(spec.choices)})")
            elif spec.numeric and (isinstance(value, bool) or not isinstance(value, (int, float))):
                self.problem(path, f"'{spec.path}' is a number; got {value!r}")
            elif spec.kind == BOOLEAN and not isinstance(value, bool):
                self.problem(path, f"'{spec.path}' is true/false; got {value!r}")
            elif spec.kind == ENUM and not isinstance(value, str):
                self.problem(path, f"'{spec.path}' is one of {', '.join(spec.choices)}; got {value!r}")
        if op in ("==", "!=") and isinstance(operand, tuple):
            self.problem(path, f"'{op}' compares with one value; use 'in' for a list")

    def compare(self, path: list[Any], text: Any, fields: dict[str, FieldSpec], scope: str) -> Compare | None:
        if not isinstance(text, str):
            self.problem(path, f"expected a comparison string like 'field >= $threshold'; got {text!r}")
            return None
        try:
            compare = parse_compare(text)
        except ConditionSyntaxError as error:
            self.problem(path, str(error))
            return None
        spec = fields.get(compare.field)
        if spec is None:
            self.problem(path, f"unknown field '{compare.field}' {scope}")
            return None
        if spec.kind == ITEM_LIST and not compare.op.startswith("is "):
            self.problem(path, f"'{compare.field}' is a list of items: use `item:` / `no_item:`")
        if not compare.op.startswith("is "):
            self.check_operand(path, spec, compare.op, compare.operand)
        return compare

    def item(self, path: list[Any], node: dict[str, Any], top_level: bool) -> ItemMatch | None:
        negated = "no_item" in node
        list_path = node.get("no_item" if negated else "item")
        item_fields = catalogue().lists.get(list_path) if isinstance(list_path, str) else None
        if item_fields is None:
            self.problem(path, f"unknown list {list_path!r}; lists: {', '.join(catalogue().lists)}")
            return None
        for key in node:
            if key not in ITEM_KEYS:
                self.problem([*path, key], unknown_key(key, list(ITEM_KEYS), " in an item condition"))
        where = node.get("where", [])
        if not isinstance(where, list):
            self.problem([*path, "where"], "`where` must be a list of comparisons")
            where = []
        compares = [
            self.compare([*path, "where", i], text, item_fields, f"in items of {list_path}")
            for i, text in enumerate(where)
        ]
        alias = node.get("as")
        if alias is not None:
            if negated or not top_level:
                self.problem([*path, "as"], "`as` is only allowed on a top-level `item:` condition")
            elif not (isinstance(alias, str) and re.match(r"^[a-z][a-z0-9_]*$", alias)):
                self.problem([*path, "as"], f"alias {alias!r} must be a lower-case name")
            elif alias in self.aliases:
                self.problem([*path, "as"], f"alias '{alias}' is used twice")
            else:
                self.aliases[alias] = str(list_path)
        return ItemMatch(str(list_path), tuple(c for c in compares if c), alias, negated)

    def condition(self, path: list[Any], node: Any, top_level: bool = False) -> Condition | None:
        if isinstance(node, str):
            return self.compare(path, node, catalogue().scalars, "(see docs/snapshot-format.md)")
        if not isinstance(node, dict):
            self.problem(path, f"expected a condition; got {node!r}")
            return None
        keys = set(node)
        if keys & {"item", "no_item"}:
            return self.item(path, node, top_level)
        if keys == {"join"}:
            return self.join_later(path, node["join"])
        if keys == {"concluded"}:
            return self.concluded(path, node["concluded"])
        if keys in ({"all"}, {"any"}):
            kind = "all" if "all" in node else "any"
            items = node[kind]
            if not isinstance(items, list) or not items:
                self.problem(path, f"`{kind}` needs a non-empty list of conditions")
                return None
            parsed = tuple(c for i, sub in enumerate(items) if (c := self.condition([*path, kind, i], sub)))
            return AllOf(parsed) if kind == "all" else AnyOf(parsed)
        if keys == {"not"}:
            inner = self.condition([*path, "not"], node["not"])
            return Not(inner) if inner else None
        if keys == {"at_least", "of"}:
            items = node["of"]
            count = node["at_least"]
            if not isinstance(items, list) or not isinstance(count, int) or not 1 <= count <= len(items):
                self.problem(path, "`at_least: N` needs `of:` a list of at least N conditions")
                return None
            parsed = tuple(c for i, sub in enumerate(items) if (c := self.condition([*path, "of", i], sub)))
            return AtLeast(count, parsed)
        unknown = [key for key in node if key not in CONDITION_KEYS]
        for key in unknown:
            self.problem([*path, key], unknown_key(key, CONDITION_KEYS, " in a condition"))
        if unknown:
            return None
        self.problem(
            path,
            f"unknown condition with key(s) {', '.join(sorted(map(str, keys)))}; "
            "expected a comparison string, item, no_item, join, concluded, all, any, not or at_least",
        )
        return None

    def concluded(self, path: list[Any], name: Any) -> Concluded | None:
        if not (isinstance(name, str) and NAME_PATTERN.match(name)):
            self.problem(path, f"`concluded:` names a kebab-case conclusion; got {given(name)}")
            return None
        negated = path.count("not") % 2 == 1
        self.concluded_lines.setdefault((name, negated), line_at(self.data, path))
        return Concluded(name)

    def join_later(self, path: list[Any], text: Any) -> Join | None:
        if not isinstance(text, str):
            self.problem(path, f"a join is a string like 'days_apart(a.day, b.day) < $x'; got {text!r}")
            return None
        try:
            join = parse_join(text)
        except ConditionSyntaxError as error:
            self.problem(path, str(error))
            return None
        self._pending_joins.append((path, join))
        return join

    def check_join(self, path: list[Any], join: Join) -> None:
        for side in (join.left, join.right):
            refs = side.args if isinstance(side, Call) else (side,) if isinstance(side, FieldRef) else ()
            if isinstance(side, Call):
                arity = JOIN_FUNCTIONS.get(side.function)
                if arity is None:
                    self.problem(path, f"unknown join function '{side.function}' (have: {', '.join(JOIN_FUNCTIONS)})")
                elif arity[0] != len(side.args):
                    self.problem(path, f"'{side.function}' takes {arity[0]} arguments")
            if isinstance(side, ThresholdRef) and side.name not in self.knowledge.thresholds:
                self.problem(path, f"unknown threshold '${side.name}'")
            for ref in refs:
                list_path = self.aliases.get(ref.alias)
                if list_path is None:
                    self.problem(path, f"'{ref.alias}' is not bound by a top-level `item: ... as: {ref.alias}`")
                elif ref.field not in catalogue().lists[list_path]:
                    self.problem(path, f"items of {list_path} have no field '{ref.field}'")

    # -- the whole rule

    def read(self) -> Rule | None:
        data = self.data
        schema = BUNDLED_RULE_SCHEMA if _in_bundled_rules(self.file) else RULE_SCHEMA
        self.problems += schema_problems(self.file, data, schema)
        if self.problems:
            return None
        self._pending_joins: list[tuple[list[Any], Join]] = []
        when = tuple(
            c for i, node in enumerate(data["when"]) if (c := self.condition(["when", i], node, top_level=True))
        )
        for path, join in self._pending_joins:
            self.check_join(path, join)
        applies = self.applies_to(data.get("applies_to"))
        when = (*when, *(gate_conditions(applies) if applies else ()))
        if "because" in data:
            self.check_because(data["because"], AllOf(when))
        then = tuple(self.action(["then", i], node) for i, node in enumerate(data["then"]))
        for i, key in enumerate(data["evidence"]):
            if key not in self.knowledge.evidence:
                self.problem(["evidence", i], f"unknown evidence key '{key}'")
        examples = tuple(
            self.example(kind, i, node)
            for kind in ("fires", "does_not_fire")
            for i, node in enumerate(data["examples"][kind])
        )
        seen: set[str] = set()
        for kind in ("fires", "does_not_fire"):
            for i, node in enumerate(data["examples"][kind]):
                if node["name"] in seen:
                    self.problem(["examples", kind, i, "name"], f"example name '{node['name']}' is used twice")
                seen.add(node["name"])
        expected_name = f"{data['id']}-{data['name']}.yaml"
        if self.file.name != expected_name:
            self.problem(["id"], f"file name should be {expected_name} (id and name)")
        return Rule(
            data["id"],
            data["name"],
            data["title"],
            data.get("salience", 0),
            data["grade"],
            AllOf(when),
            then,
            data["rationale"].strip(),
            tuple(data["evidence"]),
            examples,
            self.file,
            " ".join(data.get("because", "").split()),
            applies,
        )

    def applies_to(self, node: Any) -> AppliesTo | None:
        """The rule's `applies_to` (None without one), its thresholds resolved."""
        if node is None:
            return None
        applies, troubles = rule_applies_to(node, self.knowledge.thresholds)
        for path, message in troubles:
            self.problem(["applies_to", *path], message)
        return applies

    def check_because(self, template: str, when: AllOf) -> None:
        """Every placeholder of `because` names a threshold, or a value sure to be known whenever
        the rule fires (in every branch of `when`)."""
        for message in template_problems(template):
            self.problem(["because"], f"because: {message}")
        rule_branches = branches(normal_form(when))
        for text in template_placeholders(template):
            placeholder = parse_placeholder(text, self.aliases)
            if placeholder is None:
                self.problem(
                    ["because"],
                    f"because: unknown placeholder '{{{text}}}': not an alias bound with `as`, a snapshot or "
                    "derived field, an item field of a list the rule matches, or a $threshold",
                )
                continue
            trouble = placeholder_problem(placeholder, self.aliases, self.knowledge.thresholds, rule_branches)
            if trouble:
                self.problem(["because"], f"because: '{{{text}}}' {trouble}")

    def action(self, path: list[Any], node: dict[str, Any]) -> Action:
        if "conclude" in node:
            if not NAME_PATTERN.match(str(node["conclude"])):
                self.problem(path, f"conclusion name {node['conclude']!r} must be kebab-case")
            return Action(conclude=str(node["conclude"]))
        adjustment = self.knowledge.adjustments.get(node["adjustment"])
        params = dict(node.get("params") or {})
        if adjustment is None:
            self.problem(path, f"unknown adjustment '{node['adjustment']}'")
        else:
            for name, value in params.items():
                if name not in adjustment.params:
                    self.problem(
                        [*path, "params", name],
                        f"'{adjustment.id}' takes no param '{name}' (takes: {', '.join(adjustment.params) or 'none'})",
                    )
                self.check_param_value([*path, "params", name], value)
            for message in flag_problems(self.knowledge.red_flags, params.get("flag")):
                self.problem([*path, "params", "flag"], message)
        return Action(adjustment=node["adjustment"], params=tuple(sorted(params.items(), key=lambda p: str(p[0]))))

    def check_param_value(self, path: list[Any], value: Any) -> None:
        if isinstance(value, str) and value.startswith("$") and value[1:] not in self.knowledge.thresholds:
            self.problem(path, f"unknown threshold '{value}'")
        if isinstance(value, str) and value.startswith("@"):
            alias, _, field_name = value[1:].partition(".")
            list_path = self.aliases.get(alias)
            if list_path is None or field_name not in catalogue().lists[list_path]:
                self.problem(path, f"'{value}' does not name a field of an item bound with `as`")

    def example(self, kind: str, index: int, node: dict[str, Any]) -> Example:
        snapshot = {**EXAMPLE_BASE, **node["snapshot"]}
        for problem in validation_problems(snapshot) if self.check_examples else ():
            self.problem(
                ["examples", kind, index, "snapshot"], f"example '{node['name']}' is not a valid snapshot: {problem}"
            )
        return Example(node["name"], snapshot, kind == "fires")
