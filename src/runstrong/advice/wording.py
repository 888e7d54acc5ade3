"""The one instruction each kept adjustment gives, in plain words, filled from its params."""

from __future__ import annotations

import string
from typing import Any

from runstrong.advice.because import words
from runstrong.advice.resolve import REFERRAL, Advice, Recommendation
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.util.memo import PerObject, remembered, value_key

#: What stopping all loading of a site means, for the referral's instruction.
STOP_EXAMPLES = {
    "lower_limb": (
        "no squats, lunges, calf raises, hopping or jumping, and no stretching or foam rolling of the sore area"
    ),
    "lower_leg": "no calf raises, hopping, jumping, lower-leg stretching or foam rolling",
}


def _fill(template: str, values: dict[str, str]) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    text = template.format(**{name: values.get(name, name.replace("_", " ")) for name in names})
    return text[:1].upper() + text[1:]


def _values(knowledge: KnowledgeBase, rec: Recommendation) -> dict[str, str]:
    adjustment = rec.adjustment
    values = {name: words(knowledge, name, value) for name, value in adjustment.defaults.items()}
    for name, value in rec.params.items():
        if value in (None, []):
            continue
        text = words(knowledge, name, value)
        phrase = adjustment.phrases.get(name)
        values[name] = phrase.format(text) if phrase else text
    return values


def _broadest(knowledge: KnowledgeBase, sites: list[str]) -> list[str]:
    """Drop every site another one of the list contains (legs contains the lower leg)."""
    return [s for s in sites if not any(s != o and s in knowledge.site_parts(o) for o in sites)]


#: Instructions already written, per knowledge base, by adjustment and params (a bounded table
#: each; a referral's also depends on the red flags, so it is not kept).
_WRITTEN: PerObject[dict[tuple[str, Any], str]] = PerObject()


def instruction(knowledge: KnowledgeBase, advice: Advice, rec: Recommendation) -> str:
    """The adjustment's instruction for this athlete, for the site it is about."""
    if rec.adjustment.id == REFERRAL:
        return _instruction(knowledge, advice, rec)
    key = (rec.adjustment.id, value_key(rec.params))
    return remembered(_WRITTEN.get(knowledge, dict), key, lambda: _instruction(knowledge, advice, rec))


def _instruction(knowledge: KnowledgeBase, advice: Advice, rec: Recommendation) -> str:
    adjustment = rec.adjustment
    values = _values(knowledge, rec)
    if adjustment.id == REFERRAL:
        sites = _broadest(knowledge, advice.referred_sites)
        if not sites:
            return _fill(adjustment.site_do["none"], {"urgency": advice.urgency or "this week"})
        values["site"] = words(knowledge, "site", sites)
        values["stop_examples"] = "; ".join(STOP_EXAMPLES.get(site, values["stop_examples"]) for site in sites)
        values["urgency"] = advice.urgency or "this week"
        return _fill(adjustment.do, values)
    sites = [site for site in rec.params.get("site") or [] if isinstance(site, str)]
    specific = [adjustment.site_do[site] for site in sites if site in adjustment.site_do]
    if specific and len(specific) == len(sites):
        return " ".join(_fill(text, values) for text in specific)
    return _fill(adjustment.do, values)
