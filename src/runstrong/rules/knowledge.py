"""The knowledge base: evidence, thresholds, the adjustment catalogue, exercises and phases."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrong.rules.applicability import applies_to_schema, entries_applies_to, field_problems
from runstrong.rules.citations import citation_label
from runstrong.rules.exercises import EXERCISE_SCHEMA, POSITIONS_SCHEMA, Exercise, parse_exercise
from runstrong.rules.phase_schema import TEMPLATE
from runstrong.rules.programming import Programming, goal_problems, parse_programming, programming_problems
from runstrong.rules.programming_schema import PLAN_EFFECTS
from runstrong.rules.programming_schema import SCHEMA as PROGRAMMING_SCHEMA
from runstrong.rules.referral_model import (
    RED_FLAG_SCHEMA,
    REFERRAL_SCHEMA,
    RedFlag,
    ReferralWords,
    check_red_flags,
    red_flags,
    referral_words,
)
from runstrong.snapshot.applies import AppliesTo
from runstrong.util.errors import Problem, RuleSetError
from runstrong.util.located import schema_problems, where
from runstrong.util.yamlio import load_with_lines

GRADES = ["S", "C", "H"]
DIRECTIONS = ["increase", "decrease", "neutral"]
STATUSES = ["green", "amber", "red"]
GROUPS = ["now", "this_week", "every_session", "information"]
WITH_REFERRAL = ["keep", "away_from_site", "while_running", "suppress"]
EFFECTS = ["load", "new_work", "frequency", "plyometrics", "phase", "running", "progression"]
MERGES = ["max", "min", "collect"]

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
        {
            "short": _TEXT,
            "citation": _TEXT,
            "finding": _TEXT,
            "grade": {"enum": GRADES},
            "verified": {"type": "boolean"},
        },
        ["citation", "finding", "grade", "verified"],
    ),
    "thresholds": _entries(
        {
            "value": {"type": ["number", "array"], "items": {"type": "string"}, "minItems": 1},
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
            "do": _TEXT,
            "site_do": {"type": "object", "additionalProperties": _TEXT},
            "group": {"enum": GROUPS},
            "priority": {"type": "integer"},
            "with_referral": {"enum": WITH_REFERRAL},
            "effects": {
                "type": "object",
                "properties": {**{k: _TEXT for k in EFFECTS}, **{k: {"enum": v} for k, v in PLAN_EFFECTS.items()}},
                "additionalProperties": False,
            },
            "goals": {"type": "object", "additionalProperties": _TEXT},
            "subsumes": _KEYS,
            "applies_when": _TEXT,
            "stops": {"enum": ["dynamic"]},
            "excludes": _KEYS,
            "avoid_positions": POSITIONS_SCHEMA,
            "site_exercises": {"type": "object", "additionalProperties": _KEYS},
            "defaults": {"type": "object"},
            "phrases": {"type": "object", "additionalProperties": _TEXT},
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
        ["title", "direction", "status", "practice", "exercises", "overrides", "do", "group", "priority"],
    ),
    "exercises": {"type": "object", "additionalProperties": EXERCISE_SCHEMA},
    "sites": _entries({"label": _TEXT, "parts": _KEYS}, ["label"]),
    "programming": PROGRAMMING_SCHEMA,
    "red_flags": RED_FLAG_SCHEMA,
    "referral": REFERRAL_SCHEMA,
    "fields": _entries({"applies_to": applies_to_schema(), "why": _TEXT}, ["applies_to", "why"]),
    "phases": _entries(
        {
            "title": _TEXT,
            "goal": _TEXT,
            "sessions_per_week": _RANGE,
            "typical_weeks": _RANGE,
            "next": {"type": ["string", "null"]},
            "evidence": _KEYS,
            "template": TEMPLATE,
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
    short: str = ""  # the short name of an organisation that is the author (`NICE`)

    @property
    def label(self) -> str:
        """The source in a few whole words: `Silbernagel & Crossley 2015`, `NICE 2020`."""
        return citation_label(self.citation, self.short, self.key)


@dataclass(frozen=True)
class Threshold:
    name: str
    value: float | tuple[str, ...]  # a number, or a set of values (`in $high_risk_bone_sites`)
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
    do: str = ""
    site_do: dict[str, str] = field(default_factory=dict)
    group: str = "this_week"
    priority: int = 50
    with_referral: str = "suppress"
    effects: dict[str, str] = field(default_factory=dict)
    subsumes: tuple[str, ...] = ()
    applies_when: str | None = None
    stops: str | None = None
    site_exercises: dict[str, tuple[str, ...]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    excludes: tuple[str, ...] = ()  # exercises no other advice may list while this one is kept
    avoid_positions: tuple[str, ...] = ()  # nor any exercise taking one of these positions
    goals: dict[str, str] = field(default_factory=dict)  # the goal (programming.yaml) of an exercise it lists


@dataclass(frozen=True)
class Site:
    key: str
    label: str
    parts: tuple[str, ...] = ()


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
    sites: dict[str, Site] = field(default_factory=dict)
    red_flags: dict[str, RedFlag] = field(default_factory=dict)
    programming: Programming | None = None
    referral: ReferralWords = field(default_factory=ReferralWords)
    #: The snapshot fields that apply only to some athletes (`fields.yaml`), by path.
    field_applies: dict[str, AppliesTo] = field(default_factory=dict)

    def site_parts(self, site: str) -> set[str]:
        """A site and every site inside it (`lower_leg` -> calf, Achilles, shin...)."""
        found = {site}
        entry = self.sites.get(site)
        for part in entry.parts if entry else ():
            found |= self.site_parts(part)
        return found

    def site_label(self, site: str) -> str:
        entry = self.sites.get(site)
        return entry.label if entry else site.replace("_", " ")


#: Knowledge files a rule set may leave out (an older or a test knowledge base).
OPTIONAL = ("sites", "red_flags", "referral", "fields", "programming")


def _load_file(directory: Path, name: str, problems: list[Problem]) -> tuple[Path, dict[str, Any]]:
    path = directory / f"{name}.yaml"
    if not path.is_file() and name in OPTIONAL:
        return path, {}
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
    (_, ev), (th_file, th), (ad_file, ad), (ex_file, ex), (ph_file, ph), (si_file, si), (rf_file, rf) = (
        loaded[name] for name in ("evidence", "thresholds", "adjustments", "exercises", "phases", "sites", "red_flags")
    )
    pr_file, pr = loaded["programming"]
    problems += programming_problems(
        pr_file, pr, {"evidence key": ev, "adjustment": ad, "exercise": ex, "threshold": th, "site": si}
    )
    _, referral = loaded["referral"]
    fi_file, fi = loaded["fields"]
    flag_applies, field_applies = (entries_applies_to(f, d, th, problems) for f, d in ((rf_file, rf), (fi_file, fi)))
    problems += field_problems(fi_file, fi)
    for name in th:
        problems += _check_refs(th_file, th, name, "source", ev, "evidence key")
    for name in ad:
        problems += _check_refs(ad_file, ad, name, "exercises", ex, "exercise")
        problems += _check_refs(ad_file, ad, name, "excludes", ex, "exercise")
        problems += _check_refs(ad_file, ad, name, "overrides", ad, "adjustment")
        problems += _check_refs(ad_file, ad, name, "subsumes", ad, "adjustment")
        problems += [
            Problem(where(ad_file, ad, [name, "goals"]), f"{name}.goals: unknown exercise '{key}'")
            for key in ad[name].get("goals") or {}
            if key not in ex
        ]
        for site, keys in (ad[name].get("site_exercises") or {}).items():
            problems += [
                Problem(
                    where(ad_file, ad, [name, "site_exercises"]),
                    f"{name}.site_exercises.{site}: unknown exercise '{k}'",
                )
                for k in keys
                if k not in ex
            ]
    if si:
        for name in ex:
            problems += _check_refs(ex_file, ex, name, "loads", si, "site")
        for name in si:
            problems += _check_refs(si_file, si, name, "parts", si, "site")
    problems += check_red_flags(rf_file, rf, si, ev, bool(referral))
    if pr:
        problems += goal_problems(
            {"adjustments": (ad_file, ad), "exercises": (ex_file, ex), "phases": (ph_file, ph)}, pr
        )
    for name in ph:
        problems += _check_refs(ph_file, ph, name, "evidence", ev, "evidence key")
        if ph[name].get("next") is not None:
            problems += _check_refs(ph_file, ph, name, "next", ph, "phase")
    if problems:
        raise RuleSetError(problems)
    return KnowledgeBase(
        directory=directory,
        evidence={
            k: Evidence(k, v["citation"], v["finding"], v["grade"], v["verified"], v.get("short", ""))
            for k, v in ev.items()
        },
        thresholds={
            k: Threshold(
                k,
                tuple(v["value"]) if isinstance(v["value"], list) else v["value"],
                v["unit"],
                v["description"],
                v["source"],
                v["grade"],
            )
            for k, v in th.items()
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
                v["do"],
                dict(v.get("site_do") or {}),
                v["group"],
                v["priority"],
                v.get("with_referral", "suppress"),
                dict(v.get("effects") or {}),
                tuple(v.get("subsumes") or ()),
                v.get("applies_when"),
                v.get("stops"),
                {site: tuple(keys) for site, keys in (v.get("site_exercises") or {}).items()},
                dict(v.get("defaults") or {}),
                dict(v.get("phrases") or {}),
                tuple(v.get("excludes") or ()),
                tuple(v.get("avoid_positions") or ()),
                dict(v.get("goals") or {}),
            )
            for k, v in ad.items()
        },
        exercises={k: parse_exercise(k, v) for k, v in ex.items()},
        phases={k: dict(v) for k, v in ph.items()},
        files=tuple(path for path, _ in loaded.values() if path.is_file()),
        sites={k: Site(k, v["label"], tuple(v.get("parts") or ())) for k, v in si.items()},
        red_flags=red_flags(rf, flag_applies),
        referral=referral_words(referral),
        field_applies=field_applies,
        programming=parse_programming(pr) if pr else None,
    )
