"""The exercise catalogue's format (`knowledge/exercises.yaml`): what an exercise loads, the
positions it takes, and its place in the programming model (slot, equipment, its own reps, holds
or protocol goal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runstrong.rules.phase_schema import MUSCLE_GROUPS
from runstrong.rules.programming_schema import EQUIPMENT, SLOTS

EXERCISE_KINDS = ["strength", "isometric", "mobility", "soft_tissue", "plyometric", "power"]
#: Positions an exercise takes that can provoke a painful tendon or a healing site: the heel
#: dropped to the end of ankle dorsiflexion, below a step, the hip across the midline (or
#: side-lying on it), the hip or knee deeply bent under load, foot impact (hops, jumps, bounds).
POSITIONS = [
    "end_range_dorsiflexion",
    "below_step",
    "hip_adduction",
    "deep_hip_flexion_loaded",
    "deep_knee_flexion_loaded",
    "impact",
]
POSITIONS_SCHEMA = {"type": "array", "items": {"enum": POSITIONS}, "uniqueItems": True}
_TEXT = {"type": "string", "minLength": 1}

#: One exercise (the schema of each entry).
EXERCISE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": _TEXT,
        "muscle_groups": {"type": "array", "items": {"enum": MUSCLE_GROUPS}},
        "loads": {"type": "array", "items": {"type": "string"}},
        "impact": {"enum": ["none", "low", "high"]},
        "kind": {"enum": EXERCISE_KINDS},
        "slot": {"enum": SLOTS},
        "equipment": {"enum": EQUIPMENT},
        "per": {"enum": ["leg", "side", "foot"]},
        "reps": _TEXT,
        "hold_s": {"type": ["integer", "string"]},
        "goal": _TEXT,
        "setup": _TEXT,
        "positions": POSITIONS_SCHEMA,
        "supported": {"type": "boolean"},
        "tempo": _TEXT,
        "cues": _TEXT,
    },
    "required": ["name", "muscle_groups", "loads", "impact", "kind", "slot", "equipment"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Exercise:
    key: str
    name: str
    muscle_groups: tuple[str, ...]
    cues: str = ""
    loads: tuple[str, ...] = ()
    impact: str = "none"
    kind: str = "strength"
    slot: str = "main"
    equipment: str = "loaded"  # loaded: a load change in % applies; bodyweight, band, isometric, plyometric, mobility
    per: str = ""  # leg, side or foot: the reps or seconds are for each
    reps: str | None = None  # the exercise's own reps for a goal that is not a protocol
    hold_s: str | None = None  # a hold: its seconds
    goal: str | None = None  # its own goal (a protocol), whatever the phase
    setup: str = ""
    positions: tuple[str, ...] = ()
    supported: bool = False  # seated or lying, no weight through the legs and no leg levers
    tempo: str = ""  # its own tempo words for a goal that is not a protocol (a banded walk: steady steps)


def parse_exercise(key: str, v: dict[str, Any]) -> Exercise:
    """One entry of exercises.yaml (already checked against EXERCISE_SCHEMA)."""
    hold = v.get("hold_s")
    optional: dict[str, Any] = {
        f: v[f] for f in ("cues", "per", "reps", "goal", "setup", "supported", "tempo") if f in v
    }
    return Exercise(
        key,
        v["name"],
        tuple(v["muscle_groups"]),
        loads=tuple(v["loads"]),
        impact=v["impact"],
        kind=v["kind"],
        slot=v["slot"],
        equipment=v["equipment"],
        hold_s=None if hold is None else str(hold),
        positions=tuple(v.get("positions") or ()),
        **optional,
    )
