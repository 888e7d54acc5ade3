"""Rule-set impact on a cohort: `rules diff` (which athletes' advice two rule sets disagree on,
and which rules cause it) and `rules coverage` (how often each rule fires).

A cohort is a folder of YAML/JSON snapshot files or a JSON Lines file of snapshots.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runstrong.advice.compare import compare_results, params_change
from runstrong.advice.result import build_result
from runstrong.engine.evaluator import Evaluator
from runstrong.engine.records import Evaluation
from runstrong.explain.trace import TraceBuilder
from runstrong.explain.whynot import why_not
from runstrong.explain.words import bound_item_checks, condition_line
from runstrong.rules.conditions import Compare, ItemMatch, Join, ThresholdRef
from runstrong.rules.model import Rule, RuleSet, leaves
from runstrong.snapshot.strict import load_json
from runstrong.snapshot.validation import Snapshot, read_snapshot, validation_problems
from runstrong.util.errors import InvalidSnapshot, Problem, UserError

SNAPSHOT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Member:
    """One snapshot of a cohort and where it came from (`file` or `file:line`)."""

    source: str
    snapshot: Snapshot


def read_cohort(path: Path) -> list[Member]:
    """Every snapshot of a cohort folder or JSON Lines file; all problems reported at once."""
    members: list[Member] = []
    problems: list[Problem] = []
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in SNAPSHOT_SUFFIXES and p.is_file())
        for file in files:
            try:
                members.append(Member(file.name, read_snapshot(file)))
            except InvalidSnapshot as error:
                problems += [Problem(f"{file}: {p.where}", p.message) for p in error.problems]
            except UserError as error:
                problems += error.problems
    elif path.is_file():
        lines = path.read_bytes().decode("utf-8", "surrogateescape").removeprefix("\ufeff").splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = load_json(line, where)
            except UserError as error:
                problems += error.problems
                continue
            found = validation_problems(data)
            problems += [Problem(f"{where}: {p.where}", p.message) for p in found]
            if not found:
                members.append(Member(f"{path.name}:{number}", data))
    else:
        raise UserError(Problem(str(path), "no such cohort: give a folder of snapshots or a JSON Lines file"))
    if problems:
        raise UserError(problems)
    if not members:
        raise UserError(Problem(str(path), "the cohort holds no snapshots (*.yaml, *.yml, *.json, or JSON lines)"))
    return members


def _threshold_names(value: Any) -> set[str]:
    """Every `$threshold` a condition (or operand) names, inside items and joins too."""
    if isinstance(value, ThresholdRef):
        return {value.name}
    if isinstance(value, tuple):
        return {name for part in value for name in _threshold_names(part)}
    if isinstance(value, Compare):
        return _threshold_names(value.operand)
    if isinstance(value, ItemMatch):
        return _threshold_names(value.where)
    if isinstance(value, Join):
        return _threshold_names(value.left) | _threshold_names(value.right)
    return set()


def _signature(ruleset: RuleSet, rule: Rule) -> str:
    """What a rule does, with its thresholds resolved: equal signatures behave the same."""
    names = sorted(
        {name for leaf in leaves(rule.when) for name in _threshold_names(leaf)}
        | {
            value[1:]
            for action in rule.then
            for _, value in action.params
            if isinstance(value, str) and value.startswith("$")
        }
    )
    thresholds = {name: ruleset.threshold_value(name) for name in names if name in ruleset.knowledge.thresholds}
    return repr((rule.when, rule.then, rule.salience, sorted(thresholds.items())))


def rule_changes(base: RuleSet, head: RuleSet) -> dict[str, list[str]]:
    """Rules added, removed and changed (conditions, actions, salience or thresholds)."""
    old = {r.id: r for r in base.rules}
    new = {r.id: r for r in head.rules}
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "modified": sorted(i for i in set(old) & set(new) if _signature(base, old[i]) != _signature(head, new[i])),
    }


def _giving(evaluation: Evaluation, adjustment: str) -> list[str]:
    """The fired rules that give an adjustment, in firing order."""
    rules: list[str] = []
    for firing in evaluation.firings:
        if adjustment in firing.rule.adjustments and firing.rule.id not in rules:
            rules.append(firing.rule.id)
    return rules


def _reasons(
    base_rules: RuleSet,
    head_rules: RuleSet,
    base: Evaluation,
    head: Evaluation,
    now_fire: list[str],
    stopped: list[str],
) -> list[dict[str, Any]]:
    """For each rule that now fires, the conditions it matched; for each that no longer fires,
    the conditions that stopped it (both on the head rule set)."""
    reasons = []
    head_ids = {rule.id for rule in head_rules.rules}
    base_ids = {rule.id for rule in base_rules.rules}
    for rule_id in now_fire:
        firing = TraceBuilder(head_rules, head).rule_trace(head_rules.rule(rule_id))["firings"][0]
        change = "now fires" if rule_id in base_ids else "is new and fires"
        reasons.append({"rule": rule_id, "change": change, "conditions": firing["conditions"]})
    for rule_id in stopped:
        if rule_id not in head_ids:
            reasons.append({"rule": rule_id, "change": "was removed", "conditions": []})
            continue
        blocking = why_not(head_rules, head, head_rules.rule(rule_id))["blocking"]
        reasons.append({"rule": rule_id, "change": "no longer fires", "conditions": blocking})
    return reasons


def _athlete_change(
    member: Member,
    base: Evaluation,
    head: Evaluation,
    base_result: dict[str, Any],
    head_result: dict[str, Any],
    modified: set[str],
) -> dict[str, Any]:
    diff = compare_results(base_result, head_result)
    base_fired, head_fired = set(base.fired_rule_ids), set(head.fired_rule_ids)
    now_fire = sorted(head_fired - base_fired)
    stopped = sorted(base_fired - head_fired)
    changed_fired = sorted((base_fired | head_fired) & modified)

    def cause(rules: list[str]) -> list[str]:
        return [r for r in rules if r in now_fire or r in stopped or r in modified]

    held = {s["adjustment"]: s["suppressed_by"] for s in head_result["suppressed"]}
    return {
        "athlete_id": member.snapshot["athlete_id"],
        "date": member.snapshot["date"],
        "source": member.source,
        "status": diff["status"],
        "added": [{"adjustment": a, "rules": cause(_giving(head, a)) or _giving(head, a)} for a in diff["added"]],
        "removed": [
            {
                "adjustment": a,
                "rules": cause(_giving(base, a)) or _giving(base, a),
                **({"held_back_by": held[a]} if a in held else {}),
            }
            for a in diff["removed"]
        ],
        "params": [
            {"adjustment": a, **change, "rules": cause(_giving(head, a) + _giving(base, a))}
            for a, change in diff["params"].items()
        ],
        "now_fire": now_fire,
        "no_longer_fire": stopped,
        "modified_fired": changed_fired,
        "causes": sorted(set(now_fire) | set(stopped) | set(changed_fired)),
    }


def _with_reasons(
    entry: dict[str, Any], base_rules: RuleSet, head_rules: RuleSet, base: Evaluation, head: Evaluation
) -> dict[str, Any]:
    entry["reasons"] = _reasons(base_rules, head_rules, base, head, entry["now_fire"], entry["no_longer_fire"])
    return entry


def diff_cohort(base: RuleSet, head: RuleSet, cohort: list[Member]) -> dict[str, Any]:
    """Run a cohort through two rule sets and report whose advice changed, how and why."""
    base_eval, head_eval = Evaluator(base), Evaluator(head)
    changes = rule_changes(base, head)
    modified = set(changes["modified"])
    changed: list[dict[str, Any]] = []
    for member in cohort:
        old, new = base_eval.evaluate(member.snapshot), head_eval.evaluate(member.snapshot)
        old_result, new_result = build_result(base, old), build_result(head, new)
        if compare_results(old_result, new_result)["changed"]:
            entry = _athlete_change(member, old, new, old_result, new_result, modified)
            changed.append(_with_reasons(entry, base, head, old, new))
    by_rule = Counter(rule for entry in changed for rule in entry["causes"])
    transitions = Counter(f"{e['status'][0]} -> {e['status'][1]}" for e in changed if e["status"][0] != e["status"][1])
    added = Counter(a["adjustment"] for e in changed for a in e["added"])
    removed = Counter(a["adjustment"] for e in changed for a in e["removed"])
    return {
        "base": {"dir": str(base.rules_dir), "version": base.version, "digest": base.digest},
        "head": {"dir": str(head.rules_dir), "version": head.version, "digest": head.digest},
        "rule_changes": changes,
        "athletes": len(cohort),
        "changed_count": len(changed),
        "changed": changed,
        "summary": {
            "by_rule": [{"rule": rule, "athletes": count} for rule, count in by_rule.most_common()],
            "status": dict(sorted(transitions.items())),
            "adjustments": [
                {"adjustment": a, "added": added[a], "removed": removed[a]} for a in sorted(set(added) | set(removed))
            ],
        },
    }


def coverage(ruleset: RuleSet, cohort: list[Member]) -> dict[str, Any]:
    """How many athletes of the cohort each rule fired for; the rules that never fired."""
    evaluator = Evaluator(ruleset)
    counts: Counter[str] = Counter()
    for member in cohort:
        counts.update(evaluator.evaluate(member.snapshot).fired_rule_ids)
    rules = [
        {"rule": r.id, "title": r.title, "fired": counts[r.id], "percent": round(100 * counts[r.id] / len(cohort), 1)}
        for r in ruleset.rules
    ]
    return {
        "ruleset": {"version": ruleset.version, "digest": ruleset.digest},
        "athletes": len(cohort),
        "rules": rules,
        "never_fired": [r["rule"] for r in rules if r["fired"] == 0],
        "fired_share": round(100 * sum(1 for r in rules if r["fired"]) / max(len(rules), 1), 1),
    }


# ---------------------------------------------------------------- rendering


def _table(headers: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)] + [
            "| " + " | ".join(row) + " |" for row in rows
        ]
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]

    def line(row: list[str]) -> str:
        return "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(row) for row in rows]


def _athlete_lines(entry: dict[str, Any]) -> list[str]:
    lines = []
    if entry["status"][0] != entry["status"][1]:
        lines.append(f"status {entry['status'][0]} -> {entry['status'][1]}")
    lines += [f"+ {a['adjustment']} (from {', '.join(a['rules'])})" for a in entry["added"]]
    lines += [
        f"- {a['adjustment']} (was from {', '.join(a['rules'])}"
        + (f"; now held back by {', '.join(a['held_back_by'])})" if "held_back_by" in a else ")")
        for a in entry["removed"]
    ]
    lines += [
        f"~ {p['adjustment']}: {params_change(p['from'], p['to'])} ({', '.join(p['rules']) or 'merge'})"
        for p in entry["params"]
    ]
    why = []
    if entry["now_fire"]:
        why.append(f"now fire: {', '.join(entry['now_fire'])}")
    if entry["no_longer_fire"]:
        why.append(f"no longer fire: {', '.join(entry['no_longer_fire'])}")
    if entry["modified_fired"]:
        why.append(f"changed rules that fired: {', '.join(entry['modified_fired'])}")
    lines.append("because " + "; ".join(why) if why else "because of a change in merging or overrides")
    for reason in entry.get("reasons", []):
        lines.append(f"  {reason['rule']} {reason['change']}" + (":" if reason["conditions"] else ""))
        for condition in reason["conditions"]:
            lines.append(f"    {condition_line(condition, 'coach')}")
            checks = bound_item_checks(condition)
            lines += [f"      {checks}"] if checks else []
    return lines


def render_diff(report: dict[str, Any], fmt: str) -> str:
    """The diff report as text, markdown or json."""
    if fmt == "json":
        return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    markdown = fmt == "markdown"
    base, head, changes = report["base"], report["head"], report["rule_changes"]
    lines = [
        ("# " if markdown else "") + f"Rule set diff: {base['version']} ({base['digest']}) -> "
        f"{head['version']} ({head['digest']})",
        "",
    ]
    lines.append(
        f"Rules added: {', '.join(changes['added']) or 'none'}; removed: {', '.join(changes['removed']) or 'none'}; "
        f"changed: {', '.join(changes['modified']) or 'none'}."
    )
    lines += ["", f"Advice changed for {report['changed_count']} of {report['athletes']} athletes.", ""]
    summary = report["summary"]
    if summary["by_rule"]:
        lines += [("## " if markdown else "") + "Rules causing changes", ""]
        lines += _table(["rule", "athletes"], [[r["rule"], str(r["athletes"])] for r in summary["by_rule"]], markdown)
        lines.append("")
    if summary["adjustments"]:
        lines += [("## " if markdown else "") + "Adjustments", ""]
        lines += _table(
            ["adjustment", "added for", "removed for"],
            [[a["adjustment"], str(a["added"]), str(a["removed"])] for a in summary["adjustments"]],
            markdown,
        )
        lines.append("")
    if summary["status"]:
        lines += [("## " if markdown else "") + "Status changes", ""]
        lines += _table(["change", "athletes"], [[k, str(v)] for k, v in summary["status"].items()], markdown)
        lines.append("")
    if report["changed"]:
        lines += [("## " if markdown else "") + "Per athlete", ""]
    for entry in report["changed"]:
        head_line = f"{entry['athlete_id']} {entry['date']} ({entry['source']})"
        lines.append(f"### {head_line}" if markdown else head_line)
        lines += [f"{'- ' if markdown else '  '}{line}" for line in _athlete_lines(entry)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_coverage(report: dict[str, Any], fmt: str) -> str:
    """The coverage report as text, markdown or json."""
    if fmt == "json":
        return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    markdown = fmt == "markdown"
    ruleset = report["ruleset"]
    lines = [
        ("# " if markdown else "") + f"Rule coverage on {report['athletes']} athletes, rule set "
        f"{ruleset['version']} ({ruleset['digest']})",
        "",
    ]
    rows = [[r["rule"], str(r["fired"]), f"{r['percent']:.1f}", r["title"]] for r in report["rules"]]
    lines += _table(["rule", "fired", "%", "title"], rows, markdown)
    lines += [
        "",
        f"{report['fired_share']:.1f} % of the rules fired at least once.",
        f"Never fired: {', '.join(report['never_fired']) or 'none'}.",
    ]
    return "\n".join(lines) + "\n"
