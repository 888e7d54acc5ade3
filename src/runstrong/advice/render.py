"""Rendering a result (or a rule) for people: text, JSON and Markdown."""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Callable
from typing import Any

import yaml

from runstrong.advice.because import join_words
from runstrong.rules.model import Rule, RuleSet

STATUS_WORDS = {
    "green": "GREEN: train as planned",
    "insufficient-data": "NOT ENOUGH INFORMATION to progress",
    "amber": "AMBER: ease off this week",
    "red": "RED: see a clinician",
}
#: How many unknown fields the text report names before pointing to the explanation.
UNKNOWN_SHOWN = 3
WIDTH = 92


def _wrap(text: str, first: str = "", rest: str = "   ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)


def _groups(result: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    actions = {a["adjustment"] for a in result["summary"]["actions"]}
    groups: dict[str, list[dict[str, Any]]] = {"more": [], "every_session": [], "information": []}
    for rec in result["recommendations"]:
        if rec["adjustment"] in actions:
            continue
        groups[
            "every_session"
            if rec["group"] == "every_session"
            else "information"
            if rec["group"] == "information"
            else "more"
        ].append(rec)
    return groups


def _rules(rec: dict[str, Any]) -> str:
    return ", ".join(f"{r['id']} [{r['grade']}]" for r in rec["rules"])


def _exercise_names(rec: dict[str, Any]) -> str:
    """Each exercise with its dose (the one source of dose: runstrong.advice.dose)."""
    return "; ".join(
        f"{e['name']}: {e['prescription']}" if e.get("prescription") else e["name"] for e in rec["exercises"]
    )


def _held_back(result: dict[str, Any]) -> tuple[str, list[tuple[str, list[str]]]]:
    """The held-back advice, grouped by what held it back: a heading and, for each group, its
    titles with the reason in words and their ids."""
    suppressed = result["suppressed"]
    by_referral = [s for s in suppressed if "refer-to-clinician" in s["suppressed_by"]]
    if by_referral:
        return "Held back by the referral until the athlete has been assessed", [_group(by_referral, "")]
    by_reason: dict[str, list[dict[str, Any]]] = {}
    for s in suppressed:
        by_reason.setdefault(s["reason"], []).append(s)
    return ("Held back" if by_reason else ""), [_group(held, reason) for reason, held in by_reason.items()]


def _group(held: list[dict[str, Any]], reason: str) -> tuple[str, list[str]]:
    titles = join_words([s["title"] for s in held])
    return (f"{titles}: {reason}" if reason else titles), [s["adjustment"] for s in held]


def _unknown_line(result: dict[str, Any]) -> list[str]:
    unknown = result["unknown"]
    if not unknown:
        return []
    shown = "; ".join(u["label"] for u in unknown[:UNKNOWN_SHOWN])
    more = (
        f" (and {len(unknown) - UNKNOWN_SHOWN} more: runstrong explain lists them all)"
        if len(unknown) > UNKNOWN_SHOWN
        else ""
    )
    heading = (
        "Not known (it could add detail)" if result["status"] == "red" else "Not known, and it could change this advice"
    )
    return _wrap(f"{heading}: {shown}{more}.", "", "")


def render_json(result: dict[str, Any]) -> str:
    """Stable, sorted JSON: the same result always gives the same bytes."""
    return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_text(result: dict[str, Any]) -> str:
    """A plain-text report for people: the summary first, then the rest by when it applies."""
    summary = result["summary"]
    lines = [f"{result['athlete_id']}, {result['date']}: {summary['headline']}", ""]
    if summary["reasons"]:
        lines += [*_wrap("Why: " + "; ".join(summary["reasons"]) + ".", "", ""), ""]
    recs = {rec["adjustment"]: rec for rec in result["recommendations"]}
    lines.append("Now:" if result["status"] == "red" else "This week:")
    for number, action in enumerate(summary["actions"], 1):
        lines += _wrap(action["text"], f"{number}. ")
        rec = recs.get(action["adjustment"])
        if rec and rec["exercises"]:
            lines += _wrap("Exercises: " + _exercise_names(rec) + ".", "   ")
    groups = _groups(result)
    if groups["more"]:
        lines += ["", "Also this week:"]
        for rec in groups["more"]:
            lines += _wrap(rec["do"], " - ")
    if groups["every_session"]:
        text = " ".join(
            rec["do"].rstrip(".") + (f" ({_exercise_names(rec)})." if rec["exercises"] else ".")
            for rec in groups["every_session"]
        )
        lines += ["", *_wrap("Every session: " + text, "", "")]
    if groups["information"]:
        lines += ["", *_wrap("Also: " + " ".join(rec["do"] for rec in groups["information"]), "", "")]
    heading, held = _held_back(result)
    referral = result.get("referral") or {}
    if held and referral.get("meanwhile") != "nothing":  # beside "no training until seen" it would read as "don't"
        lines += ["", f"{heading} (runstrong explain says why):"]
        for text, _ in held:
            lines += _wrap(f"{text}.", " - ")
    unknown = _unknown_line(result)
    if unknown:
        lines += ["", *unknown]
    ruleset = result["ruleset"]
    lines += [
        "",
        *_wrap(
            f"Rules fired: {', '.join(f['rule'] for f in result['fired']) or 'none'}"
            " (runstrong explain for how and why)",
            "",
            "",
        ),
        f"Rule set {ruleset['version']} ({ruleset['digest']}), runstrong {ruleset['runstrong']}",
    ]
    return "\n".join(lines) + "\n"


def render_markdown(result: dict[str, Any]) -> str:
    """A Markdown report, for notes and issue trackers: the summary first."""
    summary = result["summary"]
    lines = [f"# {_md(result['athlete_id'])}, {result['date']}", "", f"**{summary['headline']}**", ""]
    if summary["reasons"]:
        lines += ["Why: " + _md("; ".join(summary["reasons"])) + ".", ""]
    lines += ["## Now" if result["status"] == "red" else "## This week", ""]
    lines += [f"{n}. {_md(action['text'])}" for n, action in enumerate(summary["actions"], 1)]
    lines.append("")
    groups = _groups(result)
    for key, heading in (("more", "Also this week"), ("every_session", "Every session"), ("information", "Also")):
        if groups[key]:
            lines += [f"## {heading}", ""]
            lines += [
                f"- {_md(rec['do'])}" + (f" ({_exercise_names(rec)})" if rec["exercises"] else "")
                for rec in groups[key]
            ]
            lines.append("")
    if result["recommendations"]:
        lines += ["## Details", "", "| adjustment | rules | evidence |", "|---|---|---|"]
        for rec in result["recommendations"]:
            evidence = ", ".join(f"{e['key']} ({e['grade']})" for e in rec["evidence"])
            lines.append(f"| {_md(rec['title'])} (`{rec['adjustment']}`) | {_rules(rec)} | {evidence} |")
        lines.append("")
    heading, held = _held_back(result)
    if held:
        lines += [f"## {heading}", ""]
        lines += [f"- {_md(text)} ({', '.join(f'`{name}`' for name in ids)})" for text, ids in held]
        lines.append("")
    if result["unknown"]:
        lines += ["## Not known", ""]
        lines += [f"- {_md(u['label'])} (could change: {u['could_change']})" for u in result["unknown"]]
        lines.append("")
    ruleset = result["ruleset"]
    lines.append(f"_Rule set {ruleset['version']} ({ruleset['digest']}), runstrong {ruleset['runstrong']}._")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text safe in Markdown: HTML is escaped, so a `<script>` in an id stays text."""
    return html.escape(str(text), quote=False)


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}


def render_rule(ruleset: RuleSet, rule: Rule) -> str:
    """A rule's full text, as `rules show` prints it: the file itself, with its evidence resolved."""
    evidence = ruleset.knowledge.evidence
    lines = [
        f"{rule.id} {rule.name} [grade {rule.grade}]  {rule.file}",
        "",
        rule.file.read_text(encoding="utf-8").rstrip(),
        "",
        "Evidence:",
    ]
    lines += [f"  {key} ({evidence[key].grade}): {evidence[key].citation}" for key in rule.evidence]
    return "\n".join(lines)


def dump_yaml(data: Any) -> str:
    """YAML for snapshots written back out (block style, keys in order)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
