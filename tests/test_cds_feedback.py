"""Feedback on a card, written to the audit log as a line `runstrong audit verify` accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cds_client import SERVICE, TestClient, client, example, post
from runstrong.audit.log import line_hash
from runstrong.cli.main import cli
from runstrong.web.config import WebConfig

FEEDBACK = f"{SERVICE}/feedback"


def _feedback(card: str, outcome: str = "overridden", **extra: Any) -> dict[str, Any]:
    entry = {"card": card, "outcome": outcome, "outcomeTimestamp": "2026-12-01T10:15:00Z", **extra}
    return {"feedback": [entry]}


REASON = {
    "reason": {"system": "urn:runstrong:override-reason", "code": "already-managed", "display": "Already referred"},
    "userComment": "Seen in clinic today; physiotherapy booked.",
}


def _audited(tmp_path: Path) -> tuple[TestClient, Path]:
    log = tmp_path / "audit.jsonl"
    return client(WebConfig(audit_log=log)), log


def test_feedback_is_an_audit_line_that_audit_verify_accepts(tmp_path: Path) -> None:
    cds, log = _audited(tmp_path)
    red = post(cds, example("red-flag")).json()["cards"][0]
    amber = post(cds, example("achilles-flare-up")).json()["cards"][0]
    response = post(cds, _feedback(red["uuid"], overrideReason=REASON), FEEDBACK)
    assert response.status_code == 200 and response.json() == {"recorded": 1}
    assert post(cds, _feedback(f"urn:uuid:{amber['uuid']}", "accepted"), FEEDBACK).json() == {"recorded": 1}
    raw = log.read_bytes().splitlines()
    lines = [json.loads(line) for line in raw]
    assert [line["command"] for line in lines] == ["cds-hooks", "cds-hooks", "cds-hooks-feedback", "cds-hooks-feedback"]
    assert (
        lines[0]["cds"]["cards"] == [red["uuid"]]
        and lines[0]["cds"]["hook_instance"] == example("red-flag")["hookInstance"]
    )
    overridden = lines[2]
    assert overridden["feedback"] == {
        "card": red["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": "2026-12-01T10:15:00Z",
        "overrideReason": REASON,
        "decision": line_hash(raw[0]),
    }
    assert overridden["snapshot"] == lines[0]["snapshot"] and overridden["result"]["status"] == "red"
    assert lines[3]["feedback"]["decision"] == line_hash(raw[1]) and lines[3]["feedback"]["outcome"] == "accepted"
    verified = CliRunner().invoke(cli, ["audit", "verify", str(log)])
    assert verified.exit_code == 0, verified.output
    assert "4 of 4 decisions reproduce" in verified.output and "chain intact: lines 1–4 linked." in verified.output


def test_a_feedback_line_changed_afterwards_fails_audit_verify(tmp_path: Path) -> None:
    cds, log = _audited(tmp_path)
    card = post(cds, example("achilles-flare-up")).json()["cards"][0]
    post(cds, _feedback(card["uuid"], overrideReason=REASON), FEEDBACK)
    post(cds, example("healthy-runner"))  # a later line: the chain covers the feedback line
    assert CliRunner().invoke(cli, ["audit", "verify", str(log)]).exit_code == 0
    text = log.read_text(encoding="utf-8")
    log.write_text(text.replace('"already-managed"', '"patient-declined"'), encoding="utf-8")
    verified = CliRunner().invoke(cli, ["audit", "verify", str(log)])
    assert verified.exit_code == 1
    assert "chain broken at line 3: line 3 does not follow line 2: line 2 was changed" in verified.output


def test_feedback_on_a_card_never_given_is_404_and_a_bad_entry_400(tmp_path: Path) -> None:
    cds, log = _audited(tmp_path)
    card = post(cds, example("healthy-runner")).json()["cards"][0]
    unknown = post(cds, _feedback("0f6b2f5e-7c1d-4a8e-9b3c-2d4e6f8a0b1c", "accepted"), FEEDBACK)
    assert unknown.status_code == 404
    assert unknown.json()["problems"] == [
        "feedback: no card 0f6b2f5e-7c1d-4a8e-9b3c-2d4e6f8a0b1c in this service's audit log"
    ]
    bad = post(
        cds, {"feedback": [{"card": card["uuid"], "outcome": "ignored", "outcomeTimestamp": "yesterday"}]}, FEEDBACK
    )
    assert bad.status_code == 400
    assert bad.json()["problems"] == [
        'feedback[0].outcome: expected accepted or overridden; got "ignored"',
        'feedback[0].outcomeTimestamp: expected an ISO 8601 date and time; got "yesterday"',
    ]
    mixed = post(cds, _feedback(card["uuid"], "accepted", overrideReason=REASON), FEEDBACK)
    assert mixed.status_code == 400 and "goes with the outcome overridden" in mixed.json()["problems"][0]
    assert post(cds, {"feedback": []}, FEEDBACK).status_code == 400
    assert len(log.read_bytes().splitlines()) == 1  # only the decision: nothing written for the refused feedback


def test_feedback_without_an_audit_log_is_refused_with_503() -> None:
    response = post(client(), _feedback("0f6b2f5e-7c1d-4a8e-9b3c-2d4e6f8a0b1c", "accepted"), FEEDBACK)
    assert response.status_code == 503
    assert "keeps no audit log" in response.json()["problems"][0]
