"""`runstrong audit verify`: re-run every logged decision and report the ones that no longer
reproduce, the snapshots that were changed after logging, and rule-set differences."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrong.advice.compare import compare_results
from runstrong.advice.result import recommend
from runstrong.audit.log import snapshot_digest
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.validation import validation_problems
from runstrong.util.errors import Problem, UserError

REQUIRED = ("time", "ruleset", "snapshot_digest", "snapshot", "result")
REPRODUCED, SAME_ADVICE, DIFFERS, TAMPERED, INVALID = (
    "reproduced",
    "same advice, other rule set",
    "does not reproduce",
    "snapshot changed",
    "invalid snapshot",
)
OK = (REPRODUCED, SAME_ADVICE)


@dataclass
class Check:
    """The verdict on one logged decision."""

    line: int
    athlete_id: str
    date: str
    time: str
    verdict: str
    details: list[str] = field(default_factory=list)
    advice: dict[str, Any] | None = None

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
        }


def read_log(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The records of an audit log, with their line numbers; malformed lines are usage errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(Problem(str(path), f"cannot read the audit log: {error.strerror}")) from None
    records, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(f"{path}:{number}", f"not JSON: {error.msg}"))
            continue
        missing = [key for key in REQUIRED if not isinstance(record, dict) or key not in record]
        if missing:
            problems.append(Problem(f"{path}:{number}", f"not an audit record: missing {', '.join(missing)}"))
            continue
        records.append((number, record))
    if problems:
        raise UserError(problems)
    return records


def _differences(logged: dict[str, Any], now: dict[str, Any]) -> list[str]:
    keys = sorted(set(logged) | set(now))
    return [key for key in keys if logged.get(key) != now.get(key)]


def verify_record(evaluator: Evaluator, number: int, record: dict[str, Any]) -> Check:
    """Re-run one logged decision with the current rule set and compare."""
    snapshot, logged = record["snapshot"], record["result"]
    check = Check(
        number,
        str(snapshot.get("athlete_id", "?")) if isinstance(snapshot, dict) else "?",
        str(snapshot.get("date", "?")) if isinstance(snapshot, dict) else "?",
        str(record["time"]),
        REPRODUCED,
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
    same_rules = record["ruleset"].get("digest") == evaluator.ruleset.digest
    if not same_rules:
        check.details.append(
            f"logged with rule set {record['ruleset'].get('version')} ({record['ruleset'].get('digest')}), "
            f"re-run with {evaluator.ruleset.version} ({evaluator.ruleset.digest})"
        )
    advice = compare_results(logged, now) if isinstance(logged, dict) and "recommendations" in logged else None
    comparable = {k: v for k, v in now.items() if k != "ruleset"}
    logged_comparable = {k: v for k, v in logged.items() if k != "ruleset"} if isinstance(logged, dict) else {}
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


def verify_log(evaluators: list[Evaluator], path: Path) -> list[Check]:
    """Every logged decision, re-run and checked with the rule set whose digest it logged when
    that one is among `evaluators`, else with the first."""
    by_digest = {evaluator.ruleset.digest: evaluator for evaluator in reversed(evaluators)}
    checks = []
    for number, record in read_log(path):
        logged = str(record["ruleset"].get("digest")) if isinstance(record["ruleset"], dict) else ""
        checks.append(verify_record(by_digest.get(logged, evaluators[0]), number, record))
    return checks


def render_checks(checks: list[Check], fmt: str) -> str:
    """The verdicts as text or JSON."""
    if fmt == "json":
        return json.dumps([c.as_dict() for c in checks], indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    lines = []
    for check in checks:
        mark = "ok  " if check.verdict in OK else "FAIL"
        lines.append(
            f"{mark} line {check.line}: {check.athlete_id} {check.date} (logged {check.time}): {check.verdict}"
        )
        lines += [f"       {detail}" for detail in check.details]
        if check.advice and check.advice["changed"]:
            advice = check.advice
            if advice["status"][0] != advice["status"][1]:
                lines.append(f"       status {advice['status'][0]} -> {advice['status'][1]}")
            lines += [f"       + {a}" for a in advice["added"]] + [f"       - {a}" for a in advice["removed"]]
            lines += [
                f"       ~ {a}: {json.dumps(p['from'], sort_keys=True)} -> {json.dumps(p['to'], sort_keys=True)}"
                for a, p in advice["params"].items()
            ]
    failed = sum(1 for c in checks if c.verdict not in OK)
    lines.append(f"{len(checks) - failed} of {len(checks)} decisions reproduce; {failed} do not.")
    return "\n".join(lines) + "\n"
