"""The schema of a phase's template in `phases.yaml`: the sessions of a usual week, the dose per
intensity, the plyometric contacts and the exercise pool."""

from __future__ import annotations

from typing import Any

_TEXT = {"type": "string", "minLength": 1}
_KEYS = {"type": "array", "items": {"type": "string"}}
MUSCLE_GROUPS = ["posterior_chain", "quadriceps", "calves", "hips", "core", "upper_body"]

_DOSE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sets": {"type": "integer", "minimum": 1},
        "reps": {"type": "integer", "minimum": 1},
        "tempo": _TEXT,
        "rir": {"type": "integer", "minimum": 0},
    },
    "required": ["sets", "reps", "tempo", "rir"],
    "additionalProperties": False,
}
#: A phase's usual week, read by `runstrong plan` when the snapshot has no planned gym week.
TEMPLATE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sessions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "intensity": {"enum": ["light", "moderate", "high"]},
                    "muscle_groups": {"type": "array", "items": {"enum": MUSCLE_GROUPS}},
                },
                "required": ["intensity", "muscle_groups"],
                "additionalProperties": False,
            },
        },
        "dose": {"type": "object", "properties": {k: _DOSE for k in ("light", "moderate", "high")}},
        "plyometric_contacts": {
            "type": "object",
            "properties": {"beginner": {"type": "integer", "minimum": 0}, "usual": {"type": "integer", "minimum": 0}},
        },
        "pool": _KEYS,
    },
    "required": ["sessions", "dose", "plyometric_contacts", "pool"],
    "additionalProperties": False,
}
