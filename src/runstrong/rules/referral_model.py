"""The referral model of the knowledge base: every red flag with its urgency, the people who
assess it and what may continue meanwhile (`red_flags.yaml`), and the words of each urgency,
assessor and `meanwhile` level (`referral.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrong.rules.applicability import applies_to_schema
from runstrong.snapshot.applies import AppliesTo
from runstrong.util.errors import Problem
from runstrong.util.located import where

#: Most urgent first.
URGENCIES = ("emergency", "same_day", "this_week")
#: Most restrictive first.
MEANWHILE = ("nothing", "away_from_site", "reduced")
ASSESSORS = ("emergency_department", "doctor", "sports_physician", "physiotherapist", "dietitian", "mental_health")

_TEXT = {"type": "string", "minLength": 1}

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
            "advice": _TEXT,
            "applies_to": applies_to_schema(),
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
        "also": _TEXT,
        "meanwhile": {
            "type": "object",
            "properties": {level: _LEVEL for level in MEANWHILE},
            "required": list(MEANWHILE),
            "additionalProperties": False,
        },
    },
    "required": ["urgency", "assessors", "meanwhile", "also"],
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
    advice: str = ""  # what the athlete does until seen, besides the meanwhile level
    applies_to: AppliesTo | None = None  # who the flag can apply to (the checklist asks no one else)
    evidence: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()  # flags this finding stands for (a hot swollen joint: swelling, warmth)


@dataclass(frozen=True)
class ReferralWords:
    """The words of each urgency level, assessor and `meanwhile` level (`referral.yaml`)."""

    urgency: dict[str, dict[str, str]] = field(default_factory=dict)
    assessors: dict[str, str] = field(default_factory=dict)
    meanwhile: dict[str, dict[str, str]] = field(default_factory=dict)
    also: str = ""  # how a less urgent flag is named after a more urgent one


def red_flags(data: dict[str, Any], applies: dict[str, AppliesTo]) -> dict[str, RedFlag]:
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
            " ".join(str(entry.get("advice", "")).split()),
            applies.get(key),
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
        " ".join(str(data["also"]).split()),
    )


def check_red_flags(
    file: Path, data: dict[str, Any], sites: dict[str, Any], evidence: dict[str, Any], worded: bool
) -> list[Problem]:
    """Each flag's site, sources and included flags name something that exists; an emergency or
    same-day referral lets nothing continue meanwhile; red flags come with referral.yaml (`worded`)."""
    problems: list[Problem] = []
    if data and not worded:
        problems.append(Problem(str(file.parent / "referral.yaml"), "red_flags.yaml needs referral.yaml (the words)"))
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
        if entry["urgency"] in URGENCIES[:2] and entry["meanwhile"] != "nothing":
            problems.append(
                Problem(
                    where(file, data, [key, "meanwhile"]),
                    f"{key}: an emergency or same-day referral schedules nothing until the athlete is seen "
                    f"(meanwhile: nothing, not {entry['meanwhile']})",
                )
            )
    return problems


def flag_problems(red_flags: dict[str, RedFlag], named: Any) -> list[str]:
    """What is wrong with a rule's `flag` param: each must name a red flag of the knowledge base."""
    flags = [named] if isinstance(named, str) else list(named or [])
    return [f"unknown red flag '{flag}' (red_flags.yaml)" for flag in flags if red_flags and flag not in red_flags]
