"""The knowledge base: evidence, thresholds, the adjustment catalogue, exercises and phases."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrong.util.errors import Problem, RuleSetError
from runstrong.util.located import schema_problems, where
from runstrong.util.yamlio import load_with_lines

GRADES = ["S", "C", "H"]
DIRECTIONS = ["increase", "decrease", "neutral"]
STATUSES = ["green", "amber", "red"]
MERGES = ["max", "min", "collect"]
MUSCLE_GROUPS = ["posterior_chain", "quadriceps", "calves", "hips", "core", "upper_body"]

_TEXT = {"type": "string", "minLength": 1}
_KEYS = {"type": "array", "items": {"type": "string"}}


def _entries(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        },
    }


_RANGE = {
    "type": "object",
    "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
    "required": ["min", "max"],
    "additionalProperties": False,
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "evidence": _entries(
        {"citation": _TEXT, "finding": _TEXT, "grade": {"enum": GRADES}, "verified": {"type": "boolean"}},
        ["citation", "finding", "grade", "verified"],
    ),
    "thresholds": _entries(
        {
            "value": {"type": "number"},
            "unit": {"type": "string"},
            "description": _TEXT,
            "source": _TEXT,
            "grade": {"enum": GRADES},
        },
        ["value", "unit", "description", "source", "grade"],
    ),
    "adjustments": _entries(
        {
            "title": _TEXT,
            "direction": {"enum": DIRECTIONS},
            "status": {"enum": STATUSES},
            "practice": _TEXT,
            "exercises": _KEYS,
            "overrides": _KEYS,
            "params": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"unit": {"type": "string"}, "merge": {"enum": MERGES}, "description": _TEXT},
                    "required": ["merge", "description"],
                    "additionalProperties": False,
                },
            },
        },
        ["title", "direction", "status", "practice", "exercises", "overrides"],
    ),
    "exercises": _entries(
        {
            "name": _TEXT,
            "muscle_groups": {"type": "array", "items": {"enum": MUSCLE_GROUPS}},
            "prescription": _TEXT,
            "cues": _TEXT,
        },
        ["name", "muscle_groups", "prescription"],
    ),
    "phases": _entries(
        {
            "title": _TEXT,
            "goal": _TEXT,
            "sessions_per_week": _RANGE,
            "typical_weeks": _RANGE,
            "next": {"type": ["string", "null"]},
            "evidence": _KEYS,
        },
        ["title", "goal", "sessions_per_week", "typical_weeks", "evidence"],
    ),
}


@dataclass(frozen=True)
class Evidence:
    key: str
    citation: str
    finding: str
    grade: str
    verified: bool


@dataclass(frozen=True)
class Threshold:
    name: str
    value: float
    unit: str
    description: str
    source: str
    grade: str


@dataclass(frozen=True)
class ParamSpec:
    name: str
    merge: str
    description: str
    unit: str = ""


@dataclass(frozen=True)
class Adjustment:
    id: str
    title: str
    direction: str
    status: str
    practice: str
    exercises: tuple[str, ...]
    overrides: tuple[str, ...]
    params: dict[str, ParamSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    key: str
    name: str
    muscle_groups: tuple[str, ...]
    prescription: str
    cues: str = ""


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything in `knowledge/`, loaded and cross-checked."""

    directory: Path
    evidence: dict[str, Evidence]
    thresholds: dict[str, Threshold]
    adjustments: dict[str, Adjustment]
    exercises: dict[str, Exercise]
    phases: dict[str, dict[str, Any]]
    files: tuple[Path, ...]


def _load_file(directory: Path, name: str, problems: list[Problem]) -> tuple[Path, dict[str, Any]]:
    path = directory / f"{name}.yaml"
    if not path.is_file():
        problems.append(Problem(str(path), "missing knowledge file"))
        return path, {}
    data = load_with_lines(path)
    found = schema_problems(path, data, SCHEMAS[name])
    problems.extend(found)
    return path, ({} if found or data is None else data)


def _check_refs(
    file: Path, data: dict[str, Any], key: str, attribute: str, known: dict[str, Any], what: str
) -> list[Problem]:
    values = data[key].get(attribute) or []
    values = [values] if isinstance(values, str) else values
    return [
        Problem(where(file, data, [key, attribute]), f"{key}.{attribute}: unknown {what} '{value}'")
        for value in values
        if value not in known
    ]


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Load and cross-check a knowledge base; raise RuleSetError listing every problem."""
    problems: list[Problem] = []
    loaded = {name: _load_file(directory, name, problems) for name in SCHEMAS}
    (_, ev), (th_file, th), (ad_file, ad), (_, ex), (ph_file, ph) = loaded.values()
    for name in th:
        problems += _check_refs(th_file, th, name, "source", ev, "evidence key")
    for name in ad:
        problems += _check_refs(ad_file, ad, name, "exercises", ex, "exercise")
        problems += _check_refs(ad_file, ad, name, "overrides", ad, "adjustment")
    for name in ph:
        problems += _check_refs(ph_file, ph, name, "evidence", ev, "evidence key")
        if ph[name].get("next") is not None:
            problems += _check_refs(ph_file, ph, name, "next", ph, "phase")
    if problems:
        raise RuleSetError(problems)
    return KnowledgeBase(
        directory=directory,
        evidence={k: Evidence(k, v["citation"], v["finding"], v["grade"], v["verified"]) for k, v in ev.items()},
        thresholds={
            k: Threshold(k, v["value"], v["unit"], v["description"], v["source"], v["grade"]) for k, v in th.items()
        },
        adjustments={
            k: Adjustment(
                k,
                v["title"],
                v["direction"],
                v["status"],
                v["practice"],
                tuple(v["exercises"]),
                tuple(v["overrides"]),
                {
                    p: ParamSpec(p, s["merge"], s["description"], s.get("unit", ""))
                    for p, s in (v.get("params") or {}).items()
                },
            )
            for k, v in ad.items()
        },
        exercises={
            k: Exercise(k, v["name"], tuple(v["muscle_groups"]), v["prescription"], v.get("cues", ""))
            for k, v in ex.items()
        },
        phases={k: dict(v) for k, v in ph.items()},
        files=tuple(path for path, _ in loaded.values()),
    )
