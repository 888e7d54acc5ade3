"""Choosing exercises for a session (by muscle group, phase pool and the sites to protect) and
dosing them (sets x reps or hold seconds, tempo, reps in reserve) from the phase's template."""

from __future__ import annotations

from typing import Any

from runstrong.plan.model import PlannedExercise
from runstrong.rules.knowledge import KnowledgeBase

DEFAULT_PHASE = "base_strength"
#: How many exercises a session gets at most.
MAX_EXERCISES = 4
STRENGTH_KINDS = ("strength", "plyometric", "power")
ISOMETRIC_HOLD_S = 45


def template(knowledge: KnowledgeBase, phase: str) -> dict[str, Any]:
    """The phase's template (the base-strength one for a phase without)."""
    found = knowledge.phases.get(phase, {}).get("template")
    return dict(found or knowledge.phases[DEFAULT_PHASE]["template"])


def loads_any(knowledge: KnowledgeBase, key: str, sites: set[str]) -> bool:
    return bool(set(knowledge.exercises[key].loads) & sites)


def allowed(knowledge: KnowledgeBase, key: str, referred: set[str], stopped: set[str]) -> bool:
    """Not loading a referred site at all, nor a stopped (painful) site with strength or jumping work."""
    exercise = knowledge.exercises[key]
    if loads_any(knowledge, key, referred):
        return False
    return not (exercise.kind in STRENGTH_KINDS and loads_any(knowledge, key, stopped))


def choose(
    knowledge: KnowledgeBase,
    phase: str,
    muscle_groups: list[str],
    referred: set[str] = frozenset(),  # type: ignore[assignment]
    stopped: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[str]:
    """One exercise per muscle group, from the phase's pool first (then the catalogue), the one
    whose first muscle group it is preferred; no high-impact work and nothing the advice protects."""
    pool = [k for k in template(knowledge, phase)["pool"] if k in knowledge.exercises]
    catalogue = [
        k for k, e in knowledge.exercises.items() if e.impact != "high" and e.kind in ("strength", "isometric")
    ]
    chosen: list[str] = []
    for group in muscle_groups:
        for candidates in (pool, catalogue):
            ranked = sorted(
                (k for k in candidates if group in knowledge.exercises[k].muscle_groups),
                key=lambda k: knowledge.exercises[k].muscle_groups[0] != group,
            )
            pick = next((k for k in ranked if k not in chosen and allowed(knowledge, k, referred, stopped)), None)
            if pick:
                chosen.append(pick)
                break
        if len(chosen) >= MAX_EXERCISES:
            break
    return chosen


def dose(
    knowledge: KnowledgeBase, phase: str, key: str, intensity: str, because: list[str] | None = None
) -> PlannedExercise:
    """The exercise at the phase's dose for this intensity."""
    exercise = knowledge.exercises[key]
    usual = template(knowledge, phase)["dose"][intensity]
    planned = PlannedExercise(key, exercise.name, exercise.kind, usual["sets"], because=list(because or []))
    if exercise.kind == "isometric":
        planned.sets, planned.hold_s, planned.tempo, planned.rir = 5, ISOMETRIC_HOLD_S, "hold", None
    elif exercise.kind in ("mobility", "soft_tissue"):
        planned.sets, planned.reps, planned.tempo, planned.rir = 2, 10, "slow", None
    elif exercise.kind == "plyometric":
        planned.sets, planned.reps, planned.tempo, planned.rir = 4, 10, "quick contacts", None
    else:
        planned.reps, planned.tempo, planned.rir = usual["reps"], usual["tempo"], usual["rir"]
    return planned
