"""The programming model's format (`knowledge/programming.yaml`): the JSON Schema the file is
checked against, the words its keys take, and the plan's own effects (which add up rather than
contradict, so the conflict check leaves them out)."""

from __future__ import annotations

from typing import Any

INTENSITIES = ["light", "moderate", "high"]
SLOTS = ["power", "main", "hinge", "single_leg", "calf_foot", "hip", "upper", "trunk", "warm_up", "cool_down"]
EQUIPMENT = ["loaded", "bodyweight", "band", "isometric", "plyometric", "mobility"]
GOAL_FIELDS = ["sets", "sets_max", "reps", "hold_s", "contacts", "extra", "tempo", "effort", "rest_s", "frequency"]
#: How a protocol's week is counted: from the plan's first week with it, or from the athlete's training age.
STEP_COUNTS = ["programme", "training"]

_TEXT = {"type": "string", "minLength": 1}
_KEYS = {"type": "array", "items": {"type": "string"}}
_COUNT = {"type": "integer", "minimum": 1}


#: Effects on the week that add up rather than contradict (the conflict check leaves them out):
#: what the adjustment's exercises are for in the plan, and how it shapes the sessions.
PLAN_EFFECTS: dict[str, list[str]] = {
    "exercises": ["add", "rehab", "substitute", "lists", "hard_days", "warm_up", "cool_down"],
    "volume": ["down"],
    "intensity": ["down", "moderate"],
    "schedule": ["easy_days"],
    "spacing": ["apart"],
    "tempo": ["slow_eccentric"],
    "heavy_sessions": ["limit"],
}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _map(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": value}


_STEP = _object(
    {
        "weeks": {"type": "array", "items": _COUNT, "minItems": 2, "maxItems": 2},
        "sets": _COUNT,
        "reps": _TEXT,
    },
    ["weeks"],
)
_GOAL = _object(
    {
        "title": _TEXT,
        "sets": _COUNT,
        "rir": {
            "type": "array",
            "items": {"type": ["integer", "null"], "minimum": 0},
            "minItems": 2,
            "maxItems": 2,
        },
        "intensity": _TEXT,
        "heavy": {"type": "boolean"},
        "steps": {"type": "array", "items": _STEP, "minItems": 1},
        "counts": {"enum": STEP_COUNTS},
        "deload": _object({"sets": _COUNT, "frequency": _TEXT}, []),
        "sets_max": _COUNT,
        "sets_word": _TEXT,
        "reps": _TEXT,
        "hold_s": {"type": ["integer", "string"]},
        "contacts": _COUNT,
        "extra": _TEXT,
        "tempo": _TEXT,
        "effort": _TEXT,
        "rest_s": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2},
        "frequency": _TEXT,
        "per_week": _COUNT,
        "setting": {"enum": ["gym", "home"]},
        "first_load": _TEXT,
        "progression": _TEXT,
        "protocol": {"type": "boolean"},
        "high_only": {"type": "boolean"},
        "source": _KEYS,
        "caveat": _TEXT,
        "project": {"anyOf": [{"enum": ["all"]}, {"type": "array", "items": {"enum": GOAL_FIELDS}}]},
    },
    ["title", "sets", "tempo", "rest_s", "source"],
)
_SOURCED = {"source": _KEYS, "project": {"anyOf": [{"enum": ["all"]}, _KEYS]}}
_ATHLETE = _object(
    {
        "age_max": _COUNT,
        "age_min": _COUNT,
        "threshold": _TEXT,
        "sessions": _COUNT,
        "max_intensity": {"enum": INTENSITIES},
        "goal": _TEXT,
        "high_load_hours": _COUNT,
        "max_new": _COUNT,
        "leave_out": _KEYS,
        "template": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "sex": {"type": "array", "items": {"enum": ["female", "male", "other"]}, "minItems": 1},
        "prefer": _KEYS,
        "goals": _map(_TEXT),
        "checkpoint_week": _COUNT,
        "checkpoint": _TEXT,
        "note": _TEXT,
        **_SOURCED,
    },
    ["note", "source"],
)

SCHEMA: dict[str, Any] = _object(
    {
        "goals": _map(_GOAL),
        "slots": _map(_object({"label": _TEXT, "main": {"type": "boolean"}}, ["label"])),
        "sessions": _map(
            _object(
                {
                    "intensity": {"enum": INTENSITIES},
                    "slots": {"type": "array", "items": {"enum": SLOTS}, "minItems": 1},
                    "exercises": _COUNT,
                    "minutes": _COUNT,
                },
                ["intensity", "slots", "exercises", "minutes"],
            )
        ),
        "muscle_group_slots": _map({"type": "array", "items": {"enum": SLOTS}}),
        "default_goals": _map(_TEXT),
        "parts": _object(
            {
                "warm_up": _object({"advice": _TEXT, "minutes": _COUNT, "goal": _TEXT}, ["advice", "minutes", "goal"]),
                "cool_down": _object(
                    {"advice": _TEXT, "minutes": _COUNT, "goal": _TEXT}, ["advice", "minutes", "goal"]
                ),
                "circuit": _object({"goal": _TEXT}, ["goal"]),
                "ramp_up": _object({"text": _TEXT, "minutes": _COUNT, "project": {"type": "boolean"}}, ["text"]),
                "same_day": _object({"text": _TEXT, "hard": _TEXT, "source": _KEYS}, ["text", "hard", "source"]),
                "seconds_per_rep": _COUNT,
                "seconds_between_exercises": _COUNT,
            },
            ["warm_up", "cool_down", "circuit", "ramp_up", "same_day", "seconds_per_rep", "seconds_between_exercises"],
        ),
        "modifiers": _object(
            {
                "deload": _object(
                    {
                        "sets_factor": {"type": "number"},
                        "min_sets_main": _COUNT,
                        "min_sets": _COUNT,
                        "load_pct": {"type": "number"},
                        "rir_add": {"type": "integer", "minimum": 0},
                        "effort": _TEXT,
                        **_SOURCED,
                    },
                    ["sets_factor", "min_sets_main", "min_sets", "load_pct", "rir_add", "effort", "source"],
                ),
                "taper": _object(
                    {
                        "sets_factor": {"type": "number"},
                        "min_sets_main": _COUNT,
                        "min_sets": _COUNT,
                        "last_heavy_days": _COUNT,
                        "race_week_sessions": _COUNT,
                        "no_gym_days": _COUNT,
                        **_SOURCED,
                    },
                    [
                        "sets_factor",
                        "min_sets_main",
                        "min_sets",
                        "last_heavy_days",
                        *("race_week_sessions", "no_gym_days", "source"),
                    ],
                ),
            },
            ["deload", "taper"],
        ),
        "athletes": _object(
            {"youth": _ATHLETE, "masters": _ATHLETE, "novice": _ATHLETE, "menopause": _ATHLETE},
            ["youth", "masters", "novice"],
        ),
        "alternatives": _object(
            {
                "exercises": {"type": "array", "items": {**_KEYS, "minItems": 2}},
                "adjustments": {
                    "type": "array",
                    "items": _object({"first": _TEXT, "instead": _TEXT, "site": _TEXT}, ["first", "instead"]),
                },
                "one_of": _KEYS,
            },
            [],
        ),
        "post_race": _object(
            {
                "recovery_weeks": _COUNT,
                "return_load_pct": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                **_SOURCED,
            },
            ["recovery_weeks", "return_load_pct", "source"],
        ),
        "plyometric_contacts_per_set": _COUNT,
    },
    ["goals", "slots", "sessions", "muscle_group_slots", "default_goals", "parts", "modifiers", "athletes"],
)
