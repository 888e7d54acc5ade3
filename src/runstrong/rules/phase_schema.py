"""The schema of a phase's template in `phases.yaml`: the session templates of a usual week (keys
of `programming.yaml` sessions), the goals of its exercises, slots or equipment where they differ
from the programming model's defaults, the plyometric contacts and the exercise pool."""

from __future__ import annotations

from typing import Any

_TEXT = {"type": "string", "minLength": 1}
_KEYS = {"type": "array", "items": {"type": "string"}}
MUSCLE_GROUPS = ["posterior_chain", "quadriceps", "calves", "hips", "core", "upper_body"]

#: A phase's usual week, read by `runstrong plan` when the snapshot has no planned gym week.
TEMPLATE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sessions": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "goals": {"type": "object", "additionalProperties": _TEXT},
        "plyometric_contacts": {
            "type": "object",
            "properties": {"beginner": {"type": "integer", "minimum": 0}, "usual": {"type": "integer", "minimum": 0}},
        },
        "pool": _KEYS,
    },
    "required": ["sessions", "plyometric_contacts", "pool"],
    "additionalProperties": False,
}
