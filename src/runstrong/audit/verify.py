"""`runstrong audit verify`: check the hash chain of an audit log (the line deleted, moved,
repeated, changed or cut short), re-run every logged decision and report the ones that no longer
reproduce, the snapshots that were changed after logging, rule-set differences and the lines that
are not audit records. The log's format is in `runstrong.audit.log`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrong.advice.compare import compare_results, params_change
from runstrong.advice.result import recommend
from runstrong.audit.log import (
    BROKEN,
    LINKED,
    UNCHAINED,
    check_chain,
    line_hash,
    line_numbers,
    read_lines,
    snapshot_digest,
)
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.validation import validation_problems

REPRODUCED, SAME_ADVICE, DIFFERS, TAMPERED, INVALID, MALFORMED = (
    "reproduced",
    "same advice, other rule set",
    "does not reproduce",
    "snapshot changed",
    "invalid snapshot",
    "malformed line",
)
OK = (REPRODUCED, SAME_ADVICE)


@dataclass
class Check:
    """The verdict on one line of the log: on its decision (`verdict`) and on its link to the
    line before it (`chain`)."""

    line: int
    athlete_id: str
    date: str
    time: str
    verdict: str
    details: list[str] = field(default_factory=list)
    advice: dict[str, Any] | None = None
    chain: str = UNCHAINED
    chain_details: list[str] = field(default_factory=list)
    hash: str = ""

    @property
    def failed(self) -> bool:
        return self.verdict not in OK or self.chain == BROKEN

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "athlete_id": self.athlete_id,
            "date": self.date,
            "time": self.time,
            "verdict": self.verdict,
            "ok": self.verdict in OK,
            "details": self.details,
            "advice": self.advice,
            "chain": self.chain,
            "chain_details": self.chain_details,
            "hash": self.hash,
        }


@dataclass
class Verification:
    """The checks of every line, in order, and what is wrong with the log as a whole."""

    checks: list[Check]
    problems: list[str] = field(default_factory=list)
    head_line: int | None = None

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(check.failed for check in self.checks)


def _count(items: list[Any], noun: str) -> str:
    return f"{len(items)} {noun}" + ("" if len(items) == 1 else "s")


def _advice(logged: dict[str, Any], now: dict[str, Any]) -> dict[str, Any] | None:
    """How the advice differs, when the logged result has the shape to compare."""
    recommendations = logged.get("recommendations")
    if not isinstance(recommendations, list) or "status" not in logged:
        return None
    if not all(isinstance(r, dict) and isinstance(r.get("adjustment"), str) and "params" in r for r in recommendations):
        return None
    return compare_results(logged, now)


def _differences(logged: dict[str, Any], now: dict[str, Any]) -> list[str]:
    keys = sorted(set(logged) | set(now))
    return [key for key in keys if logged.get(key) != now.get(key)]


def verify_record(evaluator: Evaluator, number: int, record: dict[str, Any]) -> Check:
    """Re-run one logged decision (a record `record_problem` accepts) with the current rule set
    and compare."""
    snapshot, logged = record["snapshot"], record["result"]
    check = Check(
        number, str(snapshot.get("athlete_id", "?")), str(snapshot.get("date", "?")), record["time"], REPRODUCED
    )
    if snapshot_digest(snapshot) != record["snapshot_digest"]:
        check.verdict = TAMPERED
        check.details.append(
            f"the snapshot's digest is {snapshot_digest(snapshot)}, "
            f"the log says {record['snapshot_digest']}: it was changed after logging"
        )
        return check
    problems = validation_problems(snapshot)
    if problems:
        check.verdict = INVALID
        check.details += [str(problem) for problem in problems]
        return check
    now = recommend(evaluator, snapshot)
    same_rules = record["ruleset"]["digest"] == evaluator.ruleset.digest
    if not same_rules:
        check.details.append(
            f"logged with rule set {record['ruleset']['version']} ({record['ruleset']['digest']}), "
            f"re-run with {evaluator.ruleset.version} ({evaluator.ruleset.digest})"
        )
    advice = _advice(logged, now)
    comparable = {k: v for k, v in now.items() if k != "ruleset"}
    logged_comparable = {k: v for k, v in logged.items() if k != "ruleset"}
    if same_rules and comparable == logged_comparable:
        return check
    if not same_rules and advice is not None and not advice["changed"]:
        check.verdict = SAME_ADVICE
        return check
    check.verdict = DIFFERS
    check.advice = advice
    differing = _differences(logged_comparable, comparable)
    check.details.append(f"result fields that differ: {', '.join(differing)}")
    return check


def verify_log(evaluators: list[Evaluator], path: Path, head: str | None = None) -> Verification:
    """Every line of the log: its link in the hash chain, and its decision re-run and checked
    with the rule set whose digest it logged when that one is among `evaluators`, else with the
    first. With `head` (the hash of a line, noted earlier), the log must still hold that line."""
    by_digest = {evaluator.ruleset.digest: evaluator for evaluator in reversed(evaluators)}
    lines = read_lines(path)
    checks = []
    for line, (chain, chain_details) in zip(lines, check_chain(lines), strict=True):
        if line.record is None:
            check = Check(line.number, "?", "?", "?", MALFORMED, [line.problem])
        else:
            evaluator = by_digest.get(line.record["ruleset"]["digest"], evaluators[0])
            check = verify_record(evaluator, line.number, line.record)
        check.chain, check.chain_details = chain, chain_details
        check.hash = "" if line.blank else line_hash(line.raw)
        checks.append(check)
    verification = Verification(checks)
    if head is not None:
        found = [check.line for check in checks if check.hash == head]
        if found:
            verification.head_line = found[0]
        else:
            problem = (
                f"the head given ({head}) is not in the log: lines at its end were deleted, or the line was changed"
            )
            if checks:  # the log's end is what is missing: said on its last line
                checks[-1].chain = BROKEN
                checks[-1].chain_details.append(problem)
            else:
                verification.problems.append(problem)
    return verification


def _chain_summary(verification: Verification) -> list[str]:
    checks = verification.checks
    lines: list[str] = []
    unchained = [c.line for c in checks if c.chain == UNCHAINED and c.verdict != MALFORMED]
    broken = [c for c in checks if c.chain == BROKEN]
    linked = [c.line for c in checks if c.chain == LINKED]
    if not checks:
        lines.append("the log is empty.")
    if unchained:
        has = "has" if len(unchained) == 1 else "have"
        lines.append(
            f"not chained: {line_numbers(unchained)} {has} no prev (written before the hash chain): "
            "their order and completeness cannot be checked."
        )
    if broken:
        more = f" ({len(broken)} broken links: {line_numbers([c.line for c in broken])})" if len(broken) > 1 else ""
        lines.append(f"chain broken at line {broken[0].line}{more}: {broken[0].chain_details[0]}")
    elif linked:
        lines.append(f"chain intact: {line_numbers(linked)} linked.")
    if verification.head_line is not None:
        after = _count([c for c in checks if c.hash and c.line > verification.head_line], "line")
        lines.append(f"the head given is line {verification.head_line}; {after} appended after it.")
    elif verification.problems:
        lines += verification.problems
    hashed = [c for c in checks if c.hash]
    if hashed:
        lines.append(f"head (line {hashed[-1].line}): {hashed[-1].hash}")
    return lines


def render_checks(verification: Verification, fmt: str) -> str:
    """The verdicts as text or JSON (a list: one object per line of the log)."""
    checks = verification.checks
    if fmt == "json":
        return json.dumps([c.as_dict() for c in checks], indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    lines = []
    for check in checks:
        mark = "FAIL" if check.failed else "ok  "
        chain = "; chain broken" if check.chain == BROKEN else ""
        if check.verdict == MALFORMED:
            lines.append(f"{mark} line {check.line}: {check.verdict}{chain}")
        else:
            lines.append(
                f"{mark} line {check.line}: {check.athlete_id} {check.date} (logged {check.time}): "
                f"{check.verdict}{chain}"
            )
        lines += [f"       {detail}" for detail in check.details]
        if check.advice and check.advice["changed"]:
            advice = check.advice
            if advice["status"][0] != advice["status"][1]:
                lines.append(f"       status {advice['status'][0]} -> {advice['status'][1]}")
            lines += [f"       + {a}" for a in advice["added"]] + [f"       - {a}" for a in advice["removed"]]
            lines += [f"       ~ {a}: {params_change(p['from'], p['to'])}" for a, p in advice["params"].items()]
        lines += [f"       chain: {detail}" for detail in check.chain_details]
    decisions = [c for c in checks if c.verdict != MALFORMED]
    failed = sum(1 for c in decisions if c.verdict not in OK)
    lines.append(f"{len(decisions) - failed} of {len(decisions)} decisions reproduce; {failed} do not.")
    malformed = [c.line for c in checks if c.verdict == MALFORMED]
    if malformed:
        lines.append(f"{_count(malformed, 'malformed line')}: {line_numbers(malformed)}.")
    lines += _chain_summary(verification)
    return "\n".join(lines) + "\n"
