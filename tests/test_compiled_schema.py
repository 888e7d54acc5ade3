"""The compiled schemas (fastjsonschema) that say yes quickly to valid rule and knowledge files are
never more lenient than jsonschema, which decides every refusal and names its problems."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from runstrong.rules.knowledge import SCHEMAS
from runstrong.rules.reader import BUNDLED_RULE_SCHEMA, RULE_SCHEMA
from runstrong.util.compiled_schema import accepts, compiled, is_iso_date, same_in_draft_7
from runstrong.util.located import schema_problems
from runstrong.util.yamlio import load_with_lines
from strategies import value_paths

ROOT = Path(__file__).resolve().parent.parent
FILES: list[tuple[Path, dict[str, Any]]] = [
    *((path, BUNDLED_RULE_SCHEMA) for path in sorted((ROOT / "rules").rglob("*.yaml")) if path.name != "ruleset.yaml"),
    *((ROOT / "knowledge" / f"{name}.yaml", schema) for name, schema in SCHEMAS.items()),
]
LOADED = {path: load_with_lines(path) for path, _ in FILES}

ODD_VALUES: list[Any] = [True, False, None, 0, 1, 1.0, -1, 2.5, math.nan, "", "x", "GP01", [], ["x", "x"], {}, {"a": 1}]


@st.composite
def odd_files(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    """A shipped rule or knowledge file with up to three values replaced, or keys added."""
    path, schema = draw(st.sampled_from(FILES))
    data = copy.deepcopy(LOADED[path])
    for _ in range(draw(st.integers(0, 3))):
        paths = value_paths(data)
        value = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        *parents, last = draw(st.sampled_from(paths))
        node = data
        for part in parents:
            node = node[part]
        if draw(st.booleans()) or not isinstance(node, dict):
            node[last] = value
        else:
            node[draw(st.sampled_from(["extra", "id", "when", "then", "because", "grade"]))] = value
    return schema, data


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_files())
def test_what_the_compiled_schema_accepts_jsonschema_accepts(case: tuple[dict[str, Any], Any]) -> None:
    schema, data = case
    if accepts(schema, data):
        assert not list(Draft202012Validator(schema).iter_errors(data))


@pytest.mark.parametrize(("path", "schema"), FILES, ids=[path.name for path, _ in FILES])
def test_every_shipped_file_takes_the_fast_way(path: Path, schema: dict[str, Any]) -> None:
    assert accepts(schema, LOADED[path])
    assert schema_problems(path, LOADED[path], schema) == []


def test_the_rule_and_snapshot_schemas_are_compiled() -> None:
    from runstrong.snapshot.validation import snapshot_schema

    for schema in (RULE_SCHEMA, BUNDLED_RULE_SCHEMA, snapshot_schema(), *SCHEMAS.values()):
        assert compiled(schema) is not None


def test_a_refused_file_is_still_described_by_jsonschema() -> None:
    path, schema = FILES[0]
    data = copy.deepcopy(LOADED[path])
    data["grade"] = "Z"
    data["extra"] = 1
    assert not accepts(schema, data)
    messages = [problem.message for problem in schema_problems(path, data, schema)]
    assert any("grade" in message for message in messages)
    assert any("extra" in message for message in messages)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array", "prefixItems": [{"type": "string"}]},
        {"type": "object", "unevaluatedProperties": False},
        {"$ref": "#/$defs/x", "$defs": {"x": {"type": "string"}}},
        {"type": "string", "format": "email"},
        {"type": "array", "items": [{"type": "string"}]},
        {"type": "object", "properties": {"a": {"oneOf": [{"dependentRequired": {}}]}}},
        {"type": "object", "additionalProperties": {"type": "array", "contains": {"type": "string"}}},
    ],
)
def test_a_keyword_draft_7_reads_otherwise_is_never_compiled(schema: dict[str, Any]) -> None:
    assert not same_in_draft_7(schema)
    assert compiled(schema) is None
    assert not accepts(schema, "anything")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"), st.dates().map(str), st.text(max_size=12), st.integers()))
def test_the_date_check_is_jsonschemas(value: Any) -> None:
    assert is_iso_date(value) == FormatChecker().conforms(value, "date")
