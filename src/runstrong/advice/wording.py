"""The one instruction each kept adjustment gives, in plain words, filled from its params."""

from __future__ import annotations

import string
from typing import Any

from runstrong.advice.because import words
from runstrong.advice.resolve import REFERRAL, Advice, Recommendation, Referral
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.referral_model import URGENCIES
from runstrong.util.memo import PerObject, remembered, value_key

#: What stopping all loading of a site means, for the referral's instruction.
STOP_EXAMPLES = {
    "lower_limb": (
        "no squats, lunges, calf raises, hopping or jumping, and no stretching or foam rolling of the injured area"
    ),
    "lower_leg": "no calf raises, hopping, jumping, lower-leg stretching or foam rolling",
}
DEFAULT_STOP = "no exercise that loads it, and no stretching or foam rolling of it"


def fill(template: str, values: dict[str, str]) -> str:
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


def _join(words: list[str], last: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def assessor_words(knowledge: KnowledgeBase, referral: Referral, flags: list[str] | None = None) -> str:
    """Who may see the athlete ("a sports physician or a doctor"), then who else should be
    involved ("(with a sports dietitian)"), for the given flags (default: all of the referral's)."""
    entries, labels = knowledge.red_flags, knowledge.referral.assessors
    keys = flags if flags is not None else list(referral.flags)
    first = dict.fromkeys(who for f in keys for who in entries[f].assessors) or dict.fromkeys(referral.assessors)
    also = dict.fromkeys(who for f in keys for who in entries[f].also if who not in first)
    text = _join([labels.get(who, who.replace("_", " ")) for who in first], "or")
    return text + (f" (with {_join([labels.get(w, w) for w in also], 'and')})" if also else "")


def loading_words(knowledge: KnowledgeBase, sites: list[str]) -> str:
    """What waits for the assessment: running and the leg, the site, or any added load."""
    if set(sites) & knowledge.site_parts("lower_limb"):
        return "more running or leg training"
    return f"more {words(knowledge, 'site', sites)} training" if sites else "adding training load"


def _referral_instruction(knowledge: KnowledgeBase, advice: Advice, rec: Recommendation) -> str:
    """See whom, how soon, about which flags (most urgent first, one sentence per level), then
    what may continue until then."""
    referral = advice.referral
    if referral is None or not referral.flags or not knowledge.referral.urgency:
        return fill(rec.adjustment.do, _values(knowledge, rec))
    entries, levels = knowledge.red_flags, knowledge.referral.urgency
    sentences: list[str] = []
    for level in dict.fromkeys(entries[f].urgency for f in referral.flags):
        flags = [f for f in referral.flags if entries[f].urgency == level]
        values = {
            "flags": _join([entries[f].label for f in flags], "and"),
            "assessors": assessor_words(knowledge, referral, flags),
        }
        if not sentences:
            sentences.append(fill(levels[level]["do"], values))
        elif referral.urgency == URGENCIES[-1]:
            sentences.append(
                "Also: " + fill(levels[level]["do"], values)[:1].lower() + fill(levels[level]["do"], values)[1:]
            )
        else:  # the urgent visit can look at it too
            sentences.append(fill(knowledge.referral.also, values))
    sentences += list(dict.fromkeys(entries[f].advice for f in referral.flags if entries[f].advice))
    sites = _broadest(knowledge, list(referral.sites))
    meanwhile = knowledge.referral.meanwhile[referral.meanwhile]
    in_leg = bool({p for s in sites for p in knowledge.site_parts(s)} & knowledge.site_parts("lower_limb"))
    template = meanwhile["do"] if in_leg or referral.meanwhile != "away_from_site" else meanwhile["do_not_leg"]
    site_words = words(knowledge, "site", sites) if sites else "painful area"
    examples = "; ".join(STOP_EXAMPLES.get(site, DEFAULT_STOP) for site in sites) or DEFAULT_STOP
    sentences.append(fill(template, {"site": site_words, "stop_examples": examples}))
    return " ".join(sentences)


def _instruction(knowledge: KnowledgeBase, advice: Advice, rec: Recommendation) -> str:
    adjustment = rec.adjustment
    if adjustment.id == REFERRAL:
        return _referral_instruction(knowledge, advice, rec)
    values = _values(knowledge, rec)
    sites = [site for site in rec.params.get("site") or [] if isinstance(site, str)]
    specific = [adjustment.site_do[site] for site in sites if site in adjustment.site_do]
    if specific and len(specific) == len(sites):
        return " ".join(fill(text, values) for text in specific)
    return fill(adjustment.do, values)
