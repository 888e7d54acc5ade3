"""Hypothesis strategies for valid snapshots, drawn from the shipped JSON Schema itself."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from runstrong.snapshot.fields import BOOLEAN, ENUM, INTEGER, NUMBER, SCALAR_LIST, FieldSpec, catalogue
from runstrong.snapshot.partial import item_lists, key_field, snapshot_fields
from runstrong.snapshot.validation import snapshot_schema, validate


def _number(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    low = schema.get("minimum", 0)
    high = schema.get("maximum", low + 200)
    if schema.get("type") == "integer":
        return st.integers(int(low), int(high))
    return st.one_of(st.integers(int(low), int(high)), st.floats(low, high, allow_nan=False).map(lambda x: round(x, 1)))


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid against the subset of JSON Schema the snapshot format uses."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", ()))
        properties = schema.get("properties", {})
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in properties.items() if k in required},
            optional={k: from_schema(v) for k, v in properties.items() if k not in required},
        )
    if kind == "array":
        items = from_schema(schema["items"])
        if schema.get("uniqueItems"):
            return st.lists(items, max_size=4, unique_by=repr)
        return st.lists(items, max_size=3)
    if kind in ("number", "integer"):
        return _number(schema)
    if kind == "boolean":
        return st.booleans()
    if schema.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat())
    return st.text("abcdefghij-0123456789", min_size=1, max_size=8)


snapshots = from_schema(snapshot_schema())


def value_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path (keys and indexes) of every value inside `node`, for tests that replace one."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += value_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += value_paths(value, (*prefix, index))
    return found


def _value(spec: FieldSpec) -> st.SearchStrategy[Any]:
    if spec.kind in (NUMBER, INTEGER):
        low = int(spec.minimum) if spec.minimum is not None else -3
        high = int(spec.maximum) if spec.maximum is not None else low + 60
        whole = st.integers(low, high)
        if spec.kind == INTEGER:
            return whole
        return whole | st.integers(low * 10, high * 10).map(lambda n: n / 10)
    if spec.kind == BOOLEAN:
        return st.booleans()
    if spec.kind == ENUM:
        return st.sampled_from(spec.choices)
    if spec.kind == SCALAR_LIST:
        return st.lists(st.sampled_from(spec.choices), unique=True, max_size=3)
    raise AssertionError(spec)


def _item(path: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: spec for name, spec in catalogue().lists[path].items() if not spec.derived}
    key = key_field(path)
    optional = {name: _value(spec) for name, spec in fields.items() if name != key}
    return st.fixed_dictionaries({key: _value(fields[key])}, optional=optional)


def _put(snapshot: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        snapshot = snapshot.setdefault(part, {})
    snapshot[last] = value


@st.composite
def athletes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid snapshot: every field present or missing, lists empty or with up to 2 items."""
    snapshot: dict[str, Any] = {"athlete_id": "h", "date": "2026-11-24"}
    for path in snapshot_fields():
        if draw(st.integers(0, 4)) == 0:
            continue  # unknown
        if path in item_lists():
            value = draw(st.lists(_item(path), max_size=2))
        else:
            value = draw(_value(catalogue().scalars[path]))
        _put(snapshot, path, value)
    return validate(snapshot)
