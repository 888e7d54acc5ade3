"""The referral model of the knowledge base: every red flag with its urgency, the people who
assess it and what may continue meanwhile (`red_flags.yaml`), and the words of each urgency,
assessor and `meanwhile` level (`referral.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrong.util.errors import Problem
from runstrong.util.located import where

#: Most urgent first.
URGENCIES = ("emergency", "same_day", "this_week")
#: Most restrictive first.
MEANWHILE = ("nothing", "away_from_site", "reduced")
ASSESSORS = ("emergency_department", "doctor", "sports_physician", "physiotherapist", "dietitian", "mental_health")
SEXES = ("female", "male", "other")

_TEXT = {"type": "string", "minLength": 1}
_BOUND = {"type": ["number", "string"]}  # a number, or a threshold's name (`$name`)
#: Who a red flag, a rule or a field can apply to: sexes and an age range (bounds inclusive).
APPLIES_TO = {
    "type": "object",
    "properties": {
        "sex": {"type": "array", "items": {"enum": list(SEXES)}, "minItems": 1, "uniqueItems": True},
        "age": {
            "type": "object",
            "properties": {"min": _BOUND, "max": _BOUND},
            "minProperties": 1,
            "additionalProperties": False,
        },
    },
    "minProperties": 1,
    "additionalProperties": False,
}

RED_FLAG_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "properties": {
            "label": _TEXT,
            "means": _TEXT,
            "site": _TEXT,
            "urgency": {"enum": list(URGENCIES)},
            "assessor": {"type": "array", "items": {"enum": list(ASSESSORS)}, "minItems": 1, "uniqueItems": True},
            "with": {"type": "array", "items": {"enum": list(ASSESSORS)}, "uniqueItems": True},
            "meanwhile": {"enum": list(MEANWHILE)},
            "clinician": _TEXT,
            "question": _TEXT,
            "applies_to": APPLIES_TO,
            "includes": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "evidence": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        },
        "required": ["label", "means", "site", "urgency", "assessor", "meanwhile", "clinician", "evidence"],
        "additionalProperties": False,
    },
}

_LEVEL = {"type": "object", "additionalProperties": _TEXT}
REFERRAL_SCHEMA = {
    "type": "object",
    "properties": {
        "urgency": {
            "type": "object",
            "properties": {
                level: {
                    "type": "object",
                    "properties": {
                        "when": _TEXT,
                        "headline": _TEXT,
                        "do": _TEXT,
                        "cds_indicator": {"enum": ["critical", "warning", "info"]},
                    },
                    "required": ["when", "headline", "do", "cds_indicator"],
                    "additionalProperties": False,
                }
                for level in URGENCIES
            },
            "required": list(URGENCIES),
            "additionalProperties": False,
        },
        "assessors": {
            "type": "object",
            "properties": {
                who: {"type": "object", "properties": {"label": _TEXT}, "required": ["label"]} for who in ASSESSORS
            },
            "required": list(ASSESSORS),
            "additionalProperties": False,
        },
        "meanwhile": {
            "type": "object",
            "properties": {level: _LEVEL for level in MEANWHILE},
            "required": list(MEANWHILE),
            "additionalProperties": False,
        },
    },
    "required": ["urgency", "assessors", "meanwhile"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class RedFlag:
    """A reason to refer: a red flag the athlete reports, or a finding a rule refers for."""

    key: str
    label: str
    means: str
    site: str
    urgency: str
    assessors: tuple[str, ...] = ("sports_physician",)
    also: tuple[str, ...] = ()
    meanwhile: str = "away_from_site"
    clinician: str = ""
    question: str = ""
    applies_to: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()  # flags this finding stands for (a hot swollen joint: swelling, warmth)


@dataclass(frozen=True)
class ReferralWords:
    """The words of each urgency level, assessor and `meanwhile` level (`referral.yaml`)."""

    urgency: dict[str, dict[str, str]] = field(default_factory=dict)
    assessors: dict[str, str] = field(default_factory=dict)
    meanwhile: dict[str, dict[str, str]] = field(default_factory=dict)


def red_flags(data: dict[str, Any]) -> dict[str, RedFlag]:
    return {
        key: RedFlag(
            key,
            entry["label"],
            entry["means"],
            entry["site"],
            entry["urgency"],
            tuple(entry["assessor"]),
            tuple(entry.get("with") or ()),
            entry["meanwhile"],
            entry["clinician"],
            entry.get("question", ""),
            dict(entry.get("applies_to") or {}),
            tuple(entry["evidence"]),
            tuple(entry.get("includes") or ()),
        )
        for key, entry in data.items()
    }


def referral_words(data: dict[str, Any]) -> ReferralWords:
    if not data:
        return ReferralWords()
    return ReferralWords(
        {level: dict(words) for level, words in data["urgency"].items()},
        {who: entry["label"] for who, entry in data["assessors"].items()},
        {level: dict(words) for level, words in data["meanwhile"].items()},
    )


def check_red_flags(
    file: Path, data: dict[str, Any], sites: dict[str, Any], evidence: dict[str, Any], thresholds: dict[str, Any]
) -> list[Problem]:
    """Each flag's site, sources and threshold-valued age bounds name something that exists;
    an emergency or same-day referral lets nothing continue meanwhile."""
    problems: list[Problem] = []
    for key, entry in data.items():
        site = entry["site"]
        if sites and site != "none" and site not in sites:
            problems.append(Problem(where(file, data, [key, "site"]), f"{key}.site: unknown site '{site}'"))
        for source in entry["evidence"]:
            if source not in evidence:
                problems.append(
                    Problem(where(file, data, [key, "evidence"]), f"{key}.evidence: unknown evidence key '{source}'")
                )
        for other in entry.get("includes") or ():
            if other not in data:
                problems.append(
                    Problem(where(file, data, [key, "includes"]), f"{key}.includes: unknown flag '{other}'")
                )
        for bound in (entry.get("applies_to") or {}).get("age", {}).values():
            if isinstance(bound, str) and thresholds and (not bound.startswith("$") or bound[1:] not in thresholds):
                problems.append(
                    Problem(where(file, data, [key, "applies_to"]), f"{key}.applies_to: unknown threshold '{bound}'")
                )
        if entry["urgency"] in URGENCIES[:2] and entry["meanwhile"] != "nothing":
            problems.append(
                Problem(
                    where(file, data, [key, "meanwhile"]),
                    f"{key}: an emergency or same-day referral schedules nothing until the athlete is seen "
                    f"(meanwhile: nothing, not {entry['meanwhile']})",
                )
            )
    return problems
