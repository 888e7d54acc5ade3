"""The explanation of one athlete's advice in plain words: the actions first, then why (what
was seen, and the sources with one grade each), what was held back, what would change it and
what is not known. The engine's own notation is left to `--trace` and JSON."""

from __future__ import annotations

import re
from typing import Any

from runstrong.explain.document import Block, Item
from runstrong.explain.words import advice_effects, change_words
from runstrong.snapshot.fields import field_label

#: How many unknown fields are named before the rest is counted.
UNKNOWN_SHOWN = 6
GROUP_TITLES = {"every_session": "Every session", "information": "Also"}


def short_source(evidence: dict[str, Any]) -> str:
    """`Silbernagel KG, Thomeé R, ... 2007;35(6)...` -> `Silbernagel et al. 2007 (grade C)`: the
    first author and the year of the citation (its first words when it has no author)."""
    citation = evidence["citation"]
    year = re.search(r"\b(19|20)\d{2}\b", citation)
    author = re.match(r"([A-ZÀ-Þ][\w'\-]+(?: [a-z]{1,3} [A-ZÀ-Þ][\w'\-]+)?) [A-ZÀ-Þ]{1,3}\b(,)?", citation)
    if author:
        name = author.group(1) + (" et al." if author.group(2) else "")
    else:
        name = " ".join(citation.strip('"').split()[:4]).rstrip(".,:") + "..."
    return f"{name}{' ' + year.group(0) if year else ''} (grade {evidence['grade']})"


def _red_flag_line(doc: dict[str, Any]) -> str:
    flags = doc.get("red_flags")
    if flags is None:
        return "Red-flag checklist: not answered, so a referral cannot be ruled out."
    if not flags:
        return "Red-flag checklist: answered, none reported."
    return "Red flags reported: " + ", ".join(flag.replace("_", " ") for flag in flags) + "."


def _names(ids: Any, titles: dict[str, str]) -> str:
    """Adjustments by their titles (in lower case): `insert-deload` -> “insert a deload week”."""
    return ", ".join(f"“{titles.get(name, name.replace('-', ' ')).lower()}”" for name in ids)


def _whatif(whatif: dict[str, Any], titles: dict[str, str]) -> str:
    changes = " and ".join(change_words(change, "athlete") for change in whatif["changes"])
    effect = advice_effects(whatif["advice"], lambda ids: _names(ids, titles), "numbers")
    return f"If {changes}: {'; '.join(effect) if effect else 'the advice would stay the same'} ({whatif['title']})."


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
            titles = doc.get("adjustment_titles", {})
            blocks.append(block("ul", items=[_whatif(w, titles) for w in changing]))
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
