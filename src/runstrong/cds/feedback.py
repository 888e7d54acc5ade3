"""Feedback on a card (accepted, or overridden with a reason), written to the audit log.

A feedback line is a whole audit record: the decision the card came from (found in the log by
the card's uuid: its snapshot, result and rule set), so that `runstrong audit verify` re-runs it
like any decision, with a `feedback` object added (the card, the outcome, the override reason,
when the clinician acted, and the hash of the decision's line). It is appended like every line,
chained to the one before."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runstrong import __version__
from runstrong.audit.log import AuditLog, line_hash, read_lines
from runstrong.cds.request import BadRequest, parse_json
from runstrong.cds.values import given
from runstrong.util.errors import Problem, UserError

FEEDBACK_COMMAND = "cds-hooks-feedback"
OUTCOMES = ("accepted", "overridden")
MAX_COMMENT = 2000
_UUID = re.compile(r"(urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class UnknownCard(UserError):
    """Feedback on a card this service's audit log has no decision for (HTTP 404)."""


def _reason(reason: Any, where: str, problems: list[Problem]) -> dict[str, Any] | None:
    if not isinstance(reason, dict):
        problems.append(
            Problem(where, f"expected an object with reason (a Coding) and userComment; got {given(reason)}")
        )
        return None
    found: dict[str, Any] = {}
    coding = reason.get("reason")
    if coding is not None:
        if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
            problems.append(Problem(f"{where}.reason", f"expected a Coding with system and code; got {given(coding)}"))
        else:
            found["reason"] = {k: coding[k] for k in ("system", "code", "display") if isinstance(coding.get(k), str)}
    comment = reason.get("userComment")
    if comment is not None:
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
            problems.append(Problem(f"{where}.userComment", f"expected text of at most {MAX_COMMENT} characters"))
        else:
            found["userComment"] = comment
    return found


def read_feedback(body: bytes) -> list[dict[str, Any]]:
    """The feedback entries of a request, checked, or BadRequest naming each problem."""
    data = parse_json(body, "(request)")
    entries = data.get("feedback") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise BadRequest(Problem("feedback", f"expected a list of feedback entries; got {given(entries)}"))
    problems: list[Problem] = []
    checked = []
    for index, entry in enumerate(entries):
        at = f"feedback[{index}]"
        if not isinstance(entry, dict):
            problems.append(Problem(at, f"expected an object; got {given(entry)}"))
            continue
        card, outcome, when = entry.get("card"), entry.get("outcome"), entry.get("outcomeTimestamp")
        if not isinstance(card, str) or not _UUID.fullmatch(card):
            problems.append(Problem(f"{at}.card", f"expected the uuid of a card; got {given(card)}"))
        if outcome not in OUTCOMES:
            problems.append(Problem(f"{at}.outcome", f"expected accepted or overridden; got {given(outcome)}"))
        if not isinstance(when, str) or not _timestamp(when):
            problems.append(Problem(f"{at}.outcomeTimestamp", f"expected an ISO 8601 date and time; got {given(when)}"))
        item: dict[str, Any] = {
            "card": str(card).removeprefix("urn:uuid:"),
            "outcome": outcome,
            "outcomeTimestamp": when,
        }
        if "overrideReason" in entry:
            if outcome != "overridden":
                problems.append(Problem(f"{at}.overrideReason", "an override reason goes with the outcome overridden"))
            reason = _reason(entry["overrideReason"], f"{at}.overrideReason", problems)
            if reason is not None:
                item["overrideReason"] = reason
        checked.append(item)
    if problems:
        raise BadRequest(problems)
    return checked


def _timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _decisions(log: Path, cards: set[str]) -> dict[str, tuple[bytes, dict[str, Any]]]:
    """The logged decision each card came from, by card uuid (the latest line that gave it)."""
    found: dict[str, tuple[bytes, dict[str, Any]]] = {}
    if not log.exists():
        return found
    for line in read_lines(log):
        record = line.record
        cds = record.get("cds") if record is not None else None
        if record is None or not isinstance(cds, dict) or not isinstance(cds.get("cards"), list):
            continue
        for uuid in cards.intersection(cds["cards"]):
            found[uuid] = (line.raw, record)
    return found


def record_feedback(log: Path, body: bytes) -> int:
    """Append one line per feedback entry to the audit log; the number of lines written."""
    entries = read_feedback(body)
    decisions = _decisions(log, {entry["card"] for entry in entries})
    missing = [entry["card"] for entry in entries if entry["card"] not in decisions]
    if missing:
        raise UnknownCard([Problem("feedback", f"no card {uuid} in this service's audit log") for uuid in missing])
    now = datetime.now(UTC).isoformat(timespec="seconds")
    records = []
    for entry in entries:
        raw, decision = decisions[entry["card"]]
        records.append(
            {
                "time": now,
                "command": FEEDBACK_COMMAND,
                "runstrong": __version__,
                "ruleset": decision["ruleset"],
                "snapshot_digest": decision["snapshot_digest"],
                "snapshot": decision["snapshot"],
                "result": decision["result"],
                "feedback": {**entry, "decision": line_hash(raw)},
            }
        )
    AuditLog(log).append(records)
    return len(records)
