"""The explanation of one athlete's advice in plain words: the actions first, then why (what
was seen, and the sources with one grade each), what was held back, what would change it and
what is not known. The engine's own notation is left to `--trace` and JSON."""

from __future__ import annotations

from functools import partial
from typing import Any

from runstrong.advice.because import join_words
from runstrong.advice.resolve import REFERRAL
from runstrong.explain.document import Block, Item
from runstrong.explain.words import advice_effects, change_words, lower_first, referral_name
from runstrong.snapshot.fields import field_label

#: How many unknown fields are named before the rest is counted.
UNKNOWN_SHOWN = 6
GROUP_TITLES = {"every_session": "Every session", "information": "Also"}


def short_source(evidence: dict[str, Any]) -> str:
    """A source in brief: its short label and grade (`Silbernagel & Crossley 2015 (grade C)`)."""
    return f"{evidence['label']} (grade {evidence['grade']})"


def _red_flag_line(doc: dict[str, Any]) -> str:
    """The checklist's answer: the red flags reported that can apply to the athlete, in words."""
    flags = doc.get("red_flags")
    if flags is None:
        return "Red-flag checklist: not answered, so a referral cannot be ruled out."
    if not flags:
        return "Red-flag checklist: answered, none reported."
    return "Red flags reported: " + join_words([flag["label"] for flag in flags]) + "."


def _names(ids: Any, titles: dict[str, str]) -> str:
    """Adjustments by their titles: `insert-deload` -> “insert a deload week”."""
    return ", ".join(f"“{lower_first(titles.get(name, name.replace('-', ' ')))}”" for name in ids)


def _whatif_titles(whatif: dict[str, Any], titles: dict[str, str]) -> dict[str, str]:
    """The titles to name a counterfactual's advice by: a referral by how soon and what for
    (the one it gives, or else the one it drops)."""
    before, after = whatif["advice"]["referral"]
    referral = after if REFERRAL in whatif["advice"]["added"] or before is None else before
    return {**titles, REFERRAL: referral_name(referral)} if referral else titles


def _whatif_lines(changing: list[dict[str, Any]], titles: dict[str, str]) -> list[Item]:
    """`If <changes>: <what it does to the advice> (<the rules it makes fire>).`; two entries
    that say the same (the same changes, the same effect) are one line naming both rules."""
    lines: dict[tuple[frozenset[str], str], tuple[str, list[str]]] = {}
    for whatif in changing:
        said = [change_words(change, "athlete") for change in whatif["changes"]]
        effect = "; ".join(advice_effects(whatif["advice"], partial(_names, titles=_whatif_titles(whatif, titles))))
        rules = lines.setdefault((frozenset(said), effect), (" and ".join(said), []))[1]
        if whatif["title"] not in rules:
            rules.append(whatif["title"])
    return [
        f"If {changes}: {effect or 'the advice would stay the same'} ({'; '.join(rules)})."
        for (_, effect), (changes, rules) in lines.items()
    ]


def advice_blocks(doc: dict[str, Any], audience: str) -> list[Block]:
    """The blocks of the plain explanation."""
    block = Block
    summary = doc["summary"]
    recs = {rec["adjustment"]: rec for rec in doc["recommendations"]}
    actions = [a for a in summary["actions"] if a["adjustment"] in recs]
    blocks = [block("h1", f"{doc['athlete_id']} on {doc['date']}"), block("p", summary["headline"])]
    if audience == "clinician":
        blocks.append(block("p", _red_flag_line(doc)))
    if summary["reasons"]:
        blocks.append(block("p", "Why: " + "; ".join(summary["reasons"]) + "."))
    blocks.append(block("h2", "Now" if doc["status"] == "red" else "This week"))
    items: list[Item] = []
    for action in actions or summary["actions"]:
        rec = recs.get(action["adjustment"])
        children: list[Item] = []
        if rec and rec["exercises"]:
            children.append(
                "Exercises: "
                + "; ".join(
                    f"{e['name']} ({e['prescription']})" if e.get("prescription") else e["name"]
                    for e in rec["exercises"]
                )
            )
        if rec and audience != "athlete":
            children += [f"Based on: {text}" for text in rec["because"]]
            children.append("Sources: " + "; ".join(short_source(e) for e in rec["evidence"]))
        items.append((action["text"], children) if children else action["text"])
    blocks.append(block("ul", items=items))
    shown = {a["adjustment"] for a in actions}
    rest = [rec for rec in doc["recommendations"] if rec["adjustment"] not in shown]
    more = [rec["do"] for rec in rest if rec["group"] not in GROUP_TITLES]
    if more:
        blocks += [block("h2", "Also this week"), block("ul", items=more)]
    for group, title in GROUP_TITLES.items():
        texts = [rec["do"] for rec in rest if rec["group"] == group]
        if texts:
            blocks += [block("h2", title), block("ul", items=texts)]
    if doc["suppressed"]:
        blocks.append(block("h2", "Held back"))
        blocks.append(block("ul", items=[f"{held['title']}: {held['reason']}" for held in doc["suppressed"]]))
    if audience != "athlete":
        changing = [w for w in doc.get("what_would_change", []) if w["advice"]["changes_advice"]]
        if changing:
            blocks.append(block("h2", "What would change the advice"))
            blocks.append(
                block("p", "Each change was applied to a copy of the snapshot and checked by re-running the rules.")
            )
            blocks.append(block("ul", items=_whatif_lines(changing, doc.get("adjustment_titles", {}))))
        sources = {e["key"]: e for rec in doc["recommendations"] for e in rec["evidence"]}
        if sources and audience == "clinician":
            blocks.append(block("h2", "Sources"))
            blocks.append(
                block("ul", items=[f"{e['citation']} Grade {e['grade']}." for _, e in sorted(sources.items())])
            )
    unknown = doc.get("missing", [])
    if unknown:
        names = [field_label(entry["field"]) for entry in unknown]
        named, rest = names[:UNKNOWN_SHOWN], names[UNKNOWN_SHOWN:]
        blocks.append(block("h2", "Not known, and it could change this advice"))
        text = "; ".join(named) + (f"; and {len(rest)} more" if rest else "") + "."
        blocks.append(block("p", text[:1].upper() + text[1:]))
        if rest:  # a page folds them away (click to show); text lists them
            blocks.append(block("details", f"The other {len(rest)}", items=list(rest)))
    return blocks
