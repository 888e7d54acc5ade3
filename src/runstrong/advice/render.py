"""Rendering a result (or a rule) for people: text, JSON and Markdown."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from typing import Any

import yaml

from runstrong.rules.model import Rule, RuleSet

STATUS_WORDS = {
    "green": "GREEN: train as planned",
    "amber": "AMBER: adjust training",
    "red": "RED: stop the affected loading and see a clinician",
}


def _params(params: dict[str, Any]) -> str:
    if not params:
        return ""
    parts = [f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in params.items()]
    return f" ({'; '.join(parts)})"


def _rules(rec: dict[str, Any]) -> str:
    return ", ".join(f"{r['id']} [{r['grade']}]" for r in rec["rules"])


def render_json(result: dict[str, Any]) -> str:
    """Stable, sorted JSON: the same result always gives the same bytes."""
    return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_text(result: dict[str, Any]) -> str:
    """A plain-text report for people."""
    lines = [f"{result['athlete_id']} on {result['date']}: {STATUS_WORDS[result['status']]}", ""]
    if not result["recommendations"]:
        lines.append("No adjustments: keep the current plan.")
    for number, rec in enumerate(result["recommendations"], 1):
        lines.append(f"{number}. {rec['title']} [{rec['adjustment']}]{_params(rec['params'])}")
        lines += textwrap.wrap(rec["practice"], 92, initial_indent="   ", subsequent_indent="   ")
        if rec["exercises"]:
            lines.append("   exercises: " + "; ".join(e["name"] for e in rec["exercises"]))
        lines.append(f"   because: {_rules(rec)}")
        lines.append("   evidence: " + ", ".join(f"{e['key']} ({e['grade']})" for e in rec["evidence"]))
    if result["suppressed"]:
        lines += ["", "Held back:"]
        lines += [
            f" - {s['title']} [{s['adjustment']}] from {', '.join(s['rules'])}: "
            f"overridden by {', '.join(s['suppressed_by'])}"
            for s in result["suppressed"]
        ]
    if result["unknown"]:
        lines += ["", "Unknown (these rules could not be checked):"]
        lines += [f" - {u['field']}: {', '.join(u['rules'])}" for u in result["unknown"]]
    ruleset = result["ruleset"]
    lines += [
        "",
        f"Rules fired: {', '.join(f['rule'] for f in result['fired']) or 'none'}",
        f"Rule set {ruleset['version']} ({ruleset['digest']}), runstrong {ruleset['runstrong']}",
    ]
    return "\n".join(lines) + "\n"


def render_markdown(result: dict[str, Any]) -> str:
    """A Markdown report, for notes and issue trackers."""
    lines = [f"# {result['athlete_id']}, {result['date']}", "", f"**Status: {STATUS_WORDS[result['status']]}**", ""]
    if result["recommendations"]:
        lines += ["| # | adjustment | params | rules | evidence |", "|---|---|---|---|---|"]
        for number, rec in enumerate(result["recommendations"], 1):
            evidence = ", ".join(f"{e['key']} ({e['grade']})" for e in rec["evidence"])
            lines.append(
                f"| {number} | {rec['title']} (`{rec['adjustment']}`) | {_params(rec['params']).strip(' ()')} "
                f"| {_rules(rec)} | {evidence} |"
            )
        lines.append("")
        for rec in result["recommendations"]:
            lines += [f"### {rec['title']}", "", rec["practice"], ""]
            lines += [f"- {e['name']}: {e['prescription']}" for e in rec["exercises"]]
            lines.append("")
    else:
        lines += ["No adjustments: keep the current plan.", ""]
    if result["suppressed"]:
        lines += ["## Held back", ""]
        lines += [
            f"- `{s['adjustment']}` (from {', '.join(s['rules'])}): overridden by "
            f"{', '.join(f'`{x}`' for x in s['suppressed_by'])}"
            for s in result["suppressed"]
        ]
        lines.append("")
    if result["unknown"]:
        lines += ["## Unknown data", ""]
        lines += [f"- `{u['field']}`: needed by {', '.join(u['rules'])}" for u in result["unknown"]]
        lines.append("")
    ruleset = result["ruleset"]
    lines.append(f"_Rule set {ruleset['version']} ({ruleset['digest']}), runstrong {ruleset['runstrong']}._")
    return "\n".join(lines) + "\n"


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
