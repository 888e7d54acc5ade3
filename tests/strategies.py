"""Hypothesis strategies for valid snapshots, drawn from the shipped JSON Schema itself."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from runstrong.snapshot.validation import snapshot_schema


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
