"""Rendering an explanation for a reader: clinician, coach or athlete; text, JSON, Markdown or a
self-contained HTML page.

The same structured explanation (from `runstrong.explain.trace`) is turned into a small list of blocks
(headings, paragraphs, nested lists, tables) chosen for the audience — thresholds, sources and
evidence for the clinician, actions and reasons for the coach, plain words for the athlete — and
the blocks are written out in the chosen format.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.render import STATUS_WORDS
from runstrong.snapshot.fields import catalogue

AUDIENCES = ("clinician", "coach", "athlete")
FORMATS = ("text", "json", "markdown", "html")
RESULT_MARK = {"true": "✓", "false": "✗", "unknown": "?"}
RESULT_WORD = {"true": "holds", "false": "fails", "unknown": "unknown"}

Item = str | tuple[str, list["Item"]]


@dataclass
class Block:
    """One piece of a report: `h1`/`h2`/`h3`/`p` (text), `ul` (items), `table` (rows)."""

    kind: str
    text: str = ""
    items: list[Item] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


# ---------------------------------------------------------------- words


def number(value: Any) -> str:
    """A value for people: floats without trailing noise, lists joined, unknown spelt out."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(number(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{k} {number(v)}" for k, v in value.items())
    return str(value)


def with_unit(value: Any, unit: str) -> str:
    text = number(value)
    if not unit or value is None or isinstance(value, (bool, list, dict)):
        return text
    return f"{text}{unit}" if unit.startswith("/") or unit == "%" else f"{text} {unit}"


def label(path: str) -> str:
    """A field's plain name: its description without units, or its path in words."""
    head = re.sub(r"\[\d+\]", "", path)
    spec = catalogue().scalars.get(head)
    if spec is None and "." in head:
        list_path, _, item_field = head.rpartition(".")
        spec = catalogue().lists.get(list_path, {}).get(item_field)
    words = re.sub(r"\s*\([^()]*\)\.?$", "", spec.description).rstrip(".") if spec else ""
    if not words or len(words.split()) < 2:
        words = " ".join(part.replace("_", " ") for part in head.split(".")[-2:])
    return words[0].lower() + words[1:] if words[:2] != words[:2].upper() else words


def threshold_words(threshold: dict[str, Any] | None, audience: str) -> str:
    if not threshold:
        return ""
    value = with_unit(threshold["value"], threshold["unit"])
    if audience == "clinician":
        return f"${threshold['name']} = {value} (source {threshold['source']}, grade {threshold['grade']})"
    return f"{threshold['name'].replace('_', ' ')} = {value}"


def condition_line(outcome: dict[str, Any], audience: str) -> str:
    """`[✓] field op $t: value seen; threshold ...` for one leaf condition outcome."""
    mark = RESULT_MARK[outcome["result"]]
    parts = [f"[{mark}] {outcome['text']}"]
    if outcome["kind"] == "compare":
        parts.append(f"seen {with_unit(outcome.get('value'), outcome.get('unit', ''))}")
    elif outcome["kind"] == "join" and "value" in outcome:
        parts.append(
            f"seen {number(outcome['value']['left'])} vs {number(outcome['value']['right'])}"
            f" ({', '.join(f'{k}={v}' for k, v in outcome.get('bound_items', {}).items())})"
        )
    elif outcome["kind"] in ("item", "no_item"):
        if outcome.get("bound"):
            bound = next(i for i in outcome["items"] if i["item"] == outcome["bound"])
            verb = "matched" if outcome["result"] == "true" else "checked"
            parts.append(f"{verb} {bound['item']} ({number(bound['fields'])})")
        elif outcome["kind"] == "no_item" and "items" in outcome:
            parts.append(f"{len(outcome['items'])} item(s) checked")
    elif outcome["kind"] == "concluded" and outcome.get("concluded_by"):
        parts.append(f"concluded by {', '.join(outcome['concluded_by'])}")
    threshold = threshold_words(outcome.get("threshold"), audience)
    if threshold:
        parts.append(f"threshold {threshold}")
    if outcome.get("note"):
        parts.append(outcome["note"])
    line = "; ".join(parts)
    return line + f" -> {RESULT_WORD[outcome['result']]}"


def _item_check(check: dict[str, Any]) -> str:
    """`level > $soreness_low_max (4/10 vs 3/10) ✓`: one `where` test of one item."""
    seen = with_unit(check.get("value"), check.get("unit", ""))
    threshold = check.get("threshold")
    against = f" vs {with_unit(threshold['value'], threshold['unit'])}" if threshold else ""
    detail = f" ({seen}{against})" if not check["text"].endswith("known") else ""
    return f"{check['text']}{detail} {RESULT_MARK[check['result']]}"


def bound_item_checks(outcome: dict[str, Any]) -> str:
    """The `where` tests of the item an item condition was bound to ('' when none)."""
    bound = next((i for i in outcome.get("items", []) if i["item"] == outcome.get("bound")), None)
    return ", ".join(_item_check(check) for check in bound["where"]) if bound else ""


def outcome_items(outcome: dict[str, Any], audience: str) -> Item:
    """A condition outcome (possibly a tree, with item details and chains) as a list item."""
    if "children" in outcome:
        return (
            f"[{RESULT_MARK[outcome['result']]}] {outcome['text']}",
            [outcome_items(child, audience) for child in outcome["children"]],
        )
    children: list[Item] = []
    if outcome.get("bound"):
        bound = next(i for i in outcome["items"] if i["item"] == outcome["bound"])
        children += [condition_line(check, audience) for check in bound["where"]]
    elif outcome["kind"] in ("item", "no_item"):
        for item in outcome.get("items", []):
            checks = ", ".join(_item_check(c) for c in item["where"])
            children.append(f"{item['item']} ({number(item['fields'])}): {checks}")
    for chained in outcome.get("chain", []):
        children.append(rule_trace_item(chained, audience))
    return (condition_line(outcome, audience), children) if children else condition_line(outcome, audience)


def rule_trace_item(rule: dict[str, Any], audience: str) -> Item:
    """A fired rule with the conditions of each of its firings."""
    head = f"{rule['rule']} [grade {rule['grade']}] {rule['title']}"
    children: list[Item] = []
    for number_, firing in enumerate(rule["firings"], 1):
        conditions: list[Item] = [outcome_items(c, audience) for c in firing["conditions"]]
        if len(rule["firings"]) > 1:
            children.append((f"match {number_}", conditions))
        else:
            children += conditions
    return (head, children)


def change_words(change: dict[str, Any], audience: str = "coach") -> str:
    """'X were Y (now Z, so that <condition>)'; in plain words for the athlete."""
    name = label(change["path"]) if audience == "athlete" else change["path"]
    if isinstance(change["to"], list):
        return f"{name} included {number(change['to'])} (now unknown)"
    now = with_unit(change["now"], change.get("unit", ""))
    to = with_unit(change["to"], change.get("unit", ""))
    plain_words = audience == "athlete" or not (change.get("via") or "$" in change["condition"])
    return f"{name} were {to} (now {now}{'' if plain_words else ', so that ' + change['condition']})"


def whatif_sentence(whatif: dict[str, Any], audience: str) -> str:
    """'SW02 (title) would fire if X were Y (now Z): adds reduce-load'."""
    changes = " and ".join(change_words(c, audience) for c in whatif["changes"])
    advice = whatif["advice"]
    effect = []
    if advice["added"]:
        effect.append(f"adds {', '.join(advice['added'])}")
    if advice["removed"]:
        effect.append(f"drops {', '.join(advice['removed'])}")
    if advice["params"]:
        effect.append(f"changes the params of {', '.join(advice['params'])}")
    if advice["status"][0] != advice["status"][1]:
        effect.append(f"status {advice['status'][0]} -> {advice['status'][1]}")
    tail = f": {'; '.join(effect)}" if effect else ": the advice would stay the same"
    if audience == "athlete":
        return f"{whatif['title']}: this would apply if {changes}"
    return f"{whatif['rule']} ({whatif['title']}) would fire if {changes}{tail}"


def _unknown_sentence(entry: dict[str, Any], audience: str) -> Item:
    if audience == "athlete":
        head = f"Not recorded yet: {label(entry['field'])}"
    else:
        head = f"{entry['field']}: {entry['verdict']} (rules {', '.join(entry['rules'])})"
    scenarios: list[Item] = [whatif_sentence(s, audience) for s in entry["scenarios"]]
    return (head, scenarios) if scenarios else head


# ---------------------------------------------------------------- audiences


def _footer(doc: dict[str, Any]) -> Block:
    ruleset = doc["ruleset"]
    return Block("p", f"Rule set {ruleset['version']} ({ruleset['digest']}), runstrong {ruleset['runstrong']}.")


def _evidence_item(evidence: dict[str, Any], audience: str) -> str:
    if audience == "clinician":
        return f"{evidence['key']} (grade {evidence['grade']}): {evidence['citation']}"
    return f"{evidence['key']} (grade {evidence['grade']})"


def _advice_blocks(doc: dict[str, Any], audience: str) -> list[Block]:
    fired = {rule["rule"]: rule for rule in doc["fired"]}
    blocks = [Block("h1", f"{doc['athlete_id']} on {doc['date']}"), Block("p", STATUS_WORDS[doc["status"]])]
    if not doc["recommendations"]:
        blocks.append(Block("p", "No adjustments: keep the current plan."))
    for rec in doc["recommendations"]:
        params = f" ({number(rec['params'])})" if rec["params"] else ""
        blocks.append(
            Block("h2", f"{rec['title']}{params}" + ("" if audience == "athlete" else f" [{rec['adjustment']}]"))
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
    if audience != "athlete":
        blocks.append(_footer(doc))
    return blocks


def _rule_blocks(doc: dict[str, Any], audience: str) -> list[Block]:
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


def _adjustment_blocks(doc: dict[str, Any], audience: str) -> list[Block]:
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


BUILDERS: dict[str, Callable[[dict[str, Any], str], list[Block]]] = {
    "advice": _advice_blocks,
    "rule": _rule_blocks,
    "adjustment": _adjustment_blocks,
}

# ---------------------------------------------------------------- formats


def _text_items(items: list[Item], depth: int) -> list[str]:
    lines = []
    indent = "  " * depth
    for item in items:
        text, children = (item, []) if isinstance(item, str) else item
        lines += textwrap.wrap(text, 100, initial_indent=f"{indent}- ", subsequent_indent=f"{indent}  ") or [
            f"{indent}-"
        ]
        lines += _text_items(children, depth + 1)
    return lines


def to_text(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if block.kind == "h1":
            lines += [block.text, "=" * min(len(block.text), 100)]
        elif block.kind == "h2":
            lines += ["", block.text, "-" * min(len(block.text), 100)]
        elif block.kind == "h3":
            lines += [f"{block.text}:"]
        elif block.kind == "p":
            lines += [*textwrap.wrap(block.text, 100), ""]
        elif block.kind == "ul":
            lines += _text_items(block.items, 0)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def _md_escape(text: str) -> str:
    return re.sub(r"<(?=[A-Za-z/!])", r"\\<", re.sub(r"([\\`*_|])", r"\\\1", text))


def _md_items(items: list[Item], depth: int) -> list[str]:
    lines = []
    for item in items:
        text, children = (item, []) if isinstance(item, str) else item
        lines.append(f"{'  ' * depth}- {_md_escape(text)}")
        lines += _md_items(children, depth + 1)
    return lines


def to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    marks = {"h1": "#", "h2": "##", "h3": "###"}
    for block in blocks:
        if block.kind in marks:
            lines += [f"{marks[block.kind]} {_md_escape(block.text)}", ""]
        elif block.kind == "p":
            lines += [_md_escape(block.text), ""]
        elif block.kind == "ul":
            lines += [*_md_items(block.items, 0), ""]
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1d2428;background:#fff;line-height:1.45}
h1{font-size:1.6rem;border-bottom:3px solid #2b6f8f;padding-bottom:.3rem}
h2{font-size:1.2rem;margin-top:1.6rem;color:#2b6f8f}h3{font-size:1rem;margin-bottom:.2rem}
ul{padding-left:1.3rem}li{margin:.15rem 0}
.status{display:inline-block;padding:.3rem .7rem;border-radius:.3rem;font-weight:bold;color:#fff}
.green{background:#2e7d32}.amber{background:#b26a00}.red{background:#c62828}
.true{color:#2e7d32}.false{color:#c62828}.unknown{color:#8a6d00}
footer{margin-top:2rem;color:#5b6770;font-size:.85rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}}
"""


def _html_text(text: str) -> str:
    escaped = html.escape(text)
    for result, mark in RESULT_MARK.items():
        escaped = escaped.replace(f"[{mark}]", f'<span class="{result}">[{mark}]</span>')
    return escaped


def _html_items(items: list[Item]) -> str:
    parts = []
    for item in items:
        text, children = (item, []) if isinstance(item, str) else item
        inner = _html_items(children) if children else ""
        parts.append(f"<li>{_html_text(text)}{inner}</li>")
    return "<ul>" + "".join(parts) + "</ul>"


def to_html(blocks: list[Block], status: str, title: str, audience: str) -> str:
    """A self-contained page: inline CSS, no scripts, no external resources."""
    body = []
    for index, block in enumerate(blocks):
        if block.kind in ("h1", "h2", "h3"):
            body.append(f"<{block.kind}>{_html_text(block.text)}</{block.kind}>")
        elif block.kind == "p" and index == len(blocks) - 1 and block.text.startswith("Rule set"):
            body.append(f"<footer>{_html_text(block.text)}</footer>")
        elif block.kind == "p" and block.text in STATUS_WORDS.values():
            body.append(f'<p><span class="status {status}">{html.escape(block.text)}</span></p>')
        elif block.kind == "p":
            body.append(f"<p>{_html_text(block.text)}</p>")
        elif block.kind == "ul":
            body.append(_html_items(block.items))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="audience" content="{audience}"><title>{html.escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def render_explanation(doc: dict[str, Any], fmt: str = "text", audience: str = "coach") -> str:
    """The explanation in `fmt` for `audience`."""
    if fmt == "json":
        return json.dumps({**doc, "audience": audience}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    blocks = BUILDERS[doc["mode"]](doc, audience)
    if fmt == "markdown":
        return to_markdown(blocks)
    if fmt == "html":
        return to_html(blocks, doc["status"], blocks[0].text, audience)
    return to_text(blocks)
