"""Reproducible random snapshots for benchmarks, drawn from the shipped JSON Schema."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from runstrong.snapshot.validation import snapshot_schema


def _value(rng: random.Random, schema: dict[str, Any], items: int, present: float) -> Any:
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", ()))
        return {
            key: _value(rng, sub, items, present)
            for key, sub in schema.get("properties", {}).items()
            if key in required or rng.random() < present
        }
    if kind == "array":
        if schema.get("uniqueItems") and "enum" in schema["items"]:
            choices = schema["items"]["enum"]
            return rng.sample(choices, min(len(choices), rng.randint(0, items)) if rng.random() < 0.3 else 0)
        return [_value(rng, schema["items"], items, present) for _ in range(rng.randint(0, items))]
    if kind in ("number", "integer"):
        low = schema.get("minimum", 0)
        high = schema.get("maximum", low + 60)
        if kind == "integer":
            return rng.randint(int(low), int(high))
        return round(rng.uniform(low, high), 1)
    if kind == "boolean":
        return rng.random() < 0.3
    if schema.get("format") == "date":
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return f"runner-{rng.randint(0, 99999):05d}"


def random_snapshot(rng: random.Random, items: int = 2, present: float = 0.85) -> dict[str, Any]:
    """One valid snapshot; each list holds 0..`items` items, each optional field is there with
    probability `present`."""
    return _value(rng, snapshot_schema(), items, present)


def snapshots(count: int, seed: int = 1, items: int = 2) -> Iterator[dict[str, Any]]:
    """`count` snapshots, the same ones for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        yield random_snapshot(rng, items)
