"""The advice as CDS Hooks cards: `critical` for an emergency or same-day referral, `warning` for a
referral within the week and for decreases, `info` otherwise; the summary line, the reasons and
actions in words (the advice's own summary), what is
not known, the rule set, a link to the consultation page and the reasons a clinician may give
for overriding the card."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import quote

from runstrong.cds.codes import OVERRIDE_SYSTEM
from runstrong.cds.fhir import MAX_AGE_DAYS
from runstrong.snapshot.fields import field_label

MAX_SUMMARY = 139  # the spec: "<140-character summary"
MAX_UNKNOWN = 5
#: The reasons a card may be overridden for, as Codings.
OVERRIDE_REASONS: list[dict[str, str]] = [
    {"system": OVERRIDE_SYSTEM, "code": "assessed-in-person", "display": "Assessed in person: the advice does not fit"},
    {"system": OVERRIDE_SYSTEM, "code": "data-out-of-date", "display": "The recorded data is out of date or wrong"},
    {"system": OVERRIDE_SYSTEM, "code": "already-managed", "display": "Already referred or under treatment"},
    {"system": OVERRIDE_SYSTEM, "code": "patient-declined", "display": "The patient declined"},
]
COULD_CHANGE = {
    "referral": "could lead to a referral",
    "caution": "could add caution",
    "detail": "could change a detail",
}
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|])")


def indicator(result: dict[str, Any]) -> str:
    """A referral's indicator from its urgency (knowledge/referral.yaml: `critical` for an emergency
    or same-day referral, `warning` within the week), `warning` when the advice decreases or holds
    load, else `info`."""
    referral = result.get("referral")
    if result["status"] == "red":
        return str(referral["cds_indicator"]) if referral else "critical"
    if any(rec["direction"] == "decrease" for rec in result["recommendations"]):
        return "warning"
    return "info"


def markdown_text(text: str) -> str:
    """Text shown as itself in Markdown (no emphasis, links or HTML from the characters in it)."""
    return _MARKDOWN.sub(r"\\\1", text)


def short(text: str, limit: int = MAX_SUMMARY) -> str:
    """`text` cut at a word to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def detail(result: dict[str, Any], stale: dict[str, str] | None = None, unread: list[str] | None = None) -> str:
    """The reasons, the actions, what is not known, the data too old to use and what the FHIR
    server could not give, as Markdown."""
    summary = result["summary"]
    parts = []
    if summary["reasons"]:
        parts.append("**Why**\n\n" + "\n".join(f"- {markdown_text(r)}" for r in summary["reasons"]))
    parts.append("**What to do**\n\n" + "\n".join(f"- {markdown_text(a['text'])}" for a in summary["actions"]))
    unknown = result["unknown"][:MAX_UNKNOWN]
    if unknown:
        more = len(result["unknown"]) - len(unknown)
        lines = [f"- {markdown_text(u['label'])} ({COULD_CHANGE.get(u['could_change'], '')})" for u in unknown]
        lines += [f"- and {more} more (see the consultation)"] if more > 0 else []
        parts.append("**Not known** (not assumed fine; asking could change the advice)\n\n" + "\n".join(lines))
    if stale:
        lines = [
            f"- {markdown_text(field_label(path))} (of {markdown_text(day)})" for path, day in sorted(stale.items())
        ]
        parts.append(f"**Not used: more than {MAX_AGE_DAYS} days older than the newest data**\n\n" + "\n".join(lines))
    if unread:
        lines = [f"- {markdown_text(text)}" for text in unread]
        parts.append("**Not read from the FHIR server** (so not known)\n\n" + "\n".join(lines))
    parts.append(f"_Data as of {markdown_text(result['date'])}._")
    return "\n\n".join(parts)


def card(
    result: dict[str, Any],
    base_url: str,
    patient_id: str,
    stale: dict[str, str] | None = None,
    unread: list[str] | None = None,
) -> dict[str, Any]:
    """The card for one result (`stale`: the fields whose Observations were too old to use;
    `unread`: what the FHIR server could not give)."""
    ruleset = result["ruleset"]
    return {
        "uuid": str(uuid.uuid4()),
        "summary": short(result["summary"]["headline"]),
        "indicator": indicator(result),
        "detail": detail(result, stale, unread),
        "source": {
            "label": f"runstrong {ruleset['runstrong']}, rule set {ruleset['version']} ({ruleset['digest'][:16]})"
        },
        "links": [
            {
                "label": "Open the runstrong consultation for this patient",
                "url": f"{base_url}/consult?athlete_id={quote(patient_id, safe='')}",
                "type": "absolute",
            }
        ],
        "overrideReasons": [dict(reason) for reason in OVERRIDE_REASONS],
    }
