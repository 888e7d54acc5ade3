"""An explanation as a list of blocks (headings, paragraphs, lists, tables) chosen for the audience."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runstrong.advice.resolve import REFERRAL
from runstrong.explain.advice_blocks import advice_blocks
from runstrong.explain.document import Block, Item
from runstrong.explain.words import (
    condition_line,
    number,
    outcome_items,
    referral_name,
    rule_trace_item,
    whatif_sentence,
)
from runstrong.snapshot.fields import field_label


def _unknown_sentence(entry: dict[str, Any], audience: str) -> Item:
    if audience == "athlete":
        head = f"Not recorded yet: {field_label(entry['field'])}"
    else:
        head = f"{entry['field']}: {entry['verdict']} (rules {', '.join(entry['rules'])})"
    scenarios: list[Item] = [whatif_sentence(s, audience) for s in entry["scenarios"]]
    return (head, scenarios) if scenarios else head


def _footer(doc: dict[str, Any]) -> Block:
    ruleset = doc["ruleset"]
    return Block("p", f"Rule set {ruleset['version']} ({ruleset['digest']}), runstrong {ruleset['runstrong']}.")


def _evidence_item(evidence: dict[str, Any], audience: str) -> str:
    if audience == "clinician":
        return f"{evidence['key']} (grade {evidence['grade']}): {evidence['citation']}"
    return f"{evidence['key']} (grade {evidence['grade']})"


def _advice_blocks(doc: dict[str, Any], audience: str, trace: bool) -> list[Block]:
    blocks = advice_blocks(doc, audience)
    if trace:
        blocks += _trace_blocks(doc, audience)
    if audience != "athlete":
        blocks.append(_footer(doc))
    return blocks


def _title(doc: dict[str, Any], rec: dict[str, Any]) -> str:
    """A recommendation's title; the referral's says how soon and what for (`Referral today: ...`)."""
    return referral_name(doc["referral"]) if rec["adjustment"] == REFERRAL and doc["referral"] else rec["title"]


def _trace_blocks(doc: dict[str, Any], audience: str) -> list[Block]:
    """How each recommendation was reached, in the engine's own terms (`--trace`)."""
    fired = {rule["rule"]: rule for rule in doc["fired"]}
    blocks = [Block("h1", "Trace: the rules, their conditions and the values seen")]
    for rec in doc["recommendations"]:
        params = f" ({number(rec['params'])})" if rec["params"] else ""
        blocks.append(
            Block("h2", f"{_title(doc, rec)}{params}" + ("" if audience == "athlete" else f" [{rec['adjustment']}]"))
        )
        if audience == "athlete":
            blocks.append(Block("p", rec["practice"]))
            blocks.append(Block("ul", items=[f"Because: {fired[r]['title'].rstrip('.')}" for r in rec["rules"]]))
            continue
        if audience == "coach":
            blocks.append(Block("p", rec["practice"]))
        blocks.append(Block("h3", "Why"))
        blocks.append(Block("ul", items=[rule_trace_item(fired[r], audience) for r in rec["rules"]]))
        blocks.append(Block("h3", "Evidence"))
        blocks.append(Block("ul", items=[_evidence_item(e, audience) for e in rec["evidence"]]))
    if doc["suppressed"]:
        blocks.append(Block("h2", "Held back"))
        blocks.append(
            Block(
                "ul",
                items=[
                    f"{held['title']} [{held['adjustment']}] from {', '.join(held['rules'])}: overridden by "
                    + "; ".join(f"{o['adjustment']} ({', '.join(o['rules'])})" for o in held["overridden_by"])
                    for held in doc["suppressed"]
                ],
            )
        )
    if doc["conclusions"] and audience != "athlete":
        blocks.append(Block("h2", "Intermediate conclusions"))
        blocks.append(Block("ul", items=[f"{c['name']} (from {', '.join(c['rules'])})" for c in doc["conclusions"]]))
    changing = [w for w in doc.get("what_would_change", []) if w["advice"]["changes_advice"] or audience == "clinician"]
    if changing and audience != "athlete":
        blocks.append(Block("h2", "What would change the advice"))
        blocks.append(
            Block("p", "Each change below was applied to a copy of the snapshot and checked by re-running the rules.")
        )
        blocks.append(Block("ul", items=[whatif_sentence(w, audience) for w in changing]))
    unknown = [
        u for u in doc.get("unknown", []) if "verdict" in u and (audience == "clinician" or u["could_change_advice"])
    ]
    if unknown:
        blocks.append(
            Block("h2", "Unknown data" if audience != "athlete" else "Information that could change this advice")
        )
        blocks.append(Block("ul", items=[_unknown_sentence(u, audience) for u in unknown]))
    return blocks


def _rule_blocks(doc: dict[str, Any], audience: str, trace: bool) -> list[Block]:
    rule, why = doc["rule"], doc["why"]
    verdict = "fired" if doc["fired"] else f"did not fire (conditions: {why['result']})"
    blocks = [
        Block("h1", f"{rule['rule']} {rule['title']}"),
        Block(
            "p",
            f"{doc['athlete_id']} on {doc['date']}: {verdict}. Gives: "
            f"{', '.join(rule['adjustments'] + rule['conclusions']) or 'nothing'}. Grade {rule['grade']}.",
        ),
    ]
    blocks.append(Block("h2", "Every condition"))
    blocks.append(Block("ul", items=[outcome_items(c, audience) for c in why["conditions"]]))
    if why["binding"]:
        blocks.append(Block("p", "Items considered: " + ", ".join(f"{k} = {v}" for k, v in why["binding"].items())))
    if not doc["fired"]:
        blocks.append(Block("h2", "What stopped it"))
        blocks.append(Block("ul", items=[condition_line(b, audience) for b in why["blocking"]]))
        blocks.append(Block("h2", "What would make it fire"))
        items: list[Item] = []
        if doc.get("what_would_change"):
            items.append(whatif_sentence(doc["what_would_change"], audience))
        items += [whatif_sentence(s, audience) for s in doc.get("if_known", [])]
        blocks.append(Block("ul", items=items or ["No change to the snapshot's numbers alone makes it fire."]))
    if audience == "clinician":
        blocks.append(Block("h2", "Rationale and evidence"))
        blocks.append(Block("p", rule["rationale"]))
        blocks.append(Block("ul", items=[_evidence_item(e, audience) for e in rule["evidence"]]))
    blocks.append(_footer(doc))
    return blocks


def _adjustment_blocks(doc: dict[str, Any], audience: str, trace: bool) -> list[Block]:
    adjustment = doc["adjustment"]
    state = doc["state"]
    if state == "held back":
        state += (
            " (overridden by "
            + "; ".join(f"{o['adjustment']} from {', '.join(o['rules'])}" for o in doc["overridden_by"])
            + ")"
        )
    blocks = [
        Block("h1", f"{adjustment['title']} [{adjustment['id']}]"),
        Block("p", f"{doc['athlete_id']} on {doc['date']}: {state}."),
    ]
    if doc["params"]:
        blocks.append(Block("p", f"Params: {number(doc['params'])}"))
    items: list[Item] = []
    for rule in doc["rules"]:
        head = f"{rule['rule']} [grade {rule['grade']}] {rule['title']}: " + (
            "fired" if rule["fired"] else "did not fire"
        )
        children: list[Item] = [f"stopped by: {condition_line(b, audience)}" for b in rule.get("blocking", [])]
        if rule.get("firings"):
            children += rule_trace_item(rule, audience)[1]
        if rule.get("what_would_change"):
            children.append(whatif_sentence(rule["what_would_change"], audience))
        children += [whatif_sentence(s, audience) for s in rule.get("if_known", [])]
        items.append((head, children) if children else head)
    blocks.append(Block("h2", "Rules that give it"))
    blocks.append(Block("ul", items=items or ["No rule gives this adjustment."]))
    blocks.append(_footer(doc))
    return blocks


#: Blocks per mode, from the document, the audience and whether the engine trace is asked for.
BUILDERS: dict[str, Callable[[dict[str, Any], str, bool], list[Block]]] = {
    "advice": _advice_blocks,
    "rule": _rule_blocks,
    "adjustment": _adjustment_blocks,
}
