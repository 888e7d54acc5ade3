"""`runstrong audit verify` re-runs logged decisions and finds the ones that do not reproduce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runstrong.cli.main import cli
from tiny_rules import write_rules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "achilles-flare-up.yaml")


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An audit log with one `recommend` and one `explain` decision, written once."""
    log = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    for command in (["recommend", EXAMPLE], ["explain", EXAMPLE, "--rule", "TD01", "-f", "json"]):
        result = CliRunner().invoke(cli, [*command, "--audit-log", str(log)])
        assert result.exit_code == 0, result.output
    return log.read_text(encoding="utf-8")


@pytest.fixture()
def log(logged: str, tmp_path: Path) -> Path:
    copy = tmp_path / "audit.jsonl"
    copy.write_text(logged, encoding="utf-8")
    return copy


def _rewrite(log: Path, change) -> None:
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    change(records[0])
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_logged_decisions_reproduce(log: Path, tmp_path: Path) -> None:
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["command"] for r in records] == ["recommend", "explain"]
    assert records[0]["result"] == records[1]["result"]
    result = CliRunner().invoke(cli, ["audit", "verify", str(log)])
    assert result.exit_code == 0, result.output
    assert "2 of 2 decisions reproduce; 0 do not." in result.output


def test_a_changed_result_is_reported(log: Path, tmp_path: Path) -> None:
    _rewrite(log, lambda r: r["result"].update(status="green"))
    result = CliRunner().invoke(cli, ["audit", "verify", str(log)])
    assert result.exit_code == 1
    assert "FAIL line 1: ana 2026-11-24" in result.output and "does not reproduce" in result.output
    assert "status green -> amber" in result.output
    assert "1 of 2 decisions reproduce; 1 do not." in result.output


def test_a_changed_snapshot_is_reported(log: Path, tmp_path: Path) -> None:
    _rewrite(log, lambda r: r["snapshot"]["wellbeing"].update(sleep_h_avg_7d=8.5))
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "-f", "json"])
    assert result.exit_code == 1
    verdicts = json.loads(result.output)
    assert verdicts[0]["verdict"] == "snapshot changed" and not verdicts[0]["ok"]
    assert verdicts[1]["ok"]


def test_another_rule_set_is_named_and_the_advice_difference_shown(log: Path, tmp_path: Path) -> None:
    other = write_rules(tmp_path / "other", "0.0.1", 7.0, night_pain=False)
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "--rules", str(other)])
    assert result.exit_code == 1
    assert "logged with rule set 1" in result.output and "re-run with 0.0.1" in result.output
    assert "- stop-painful-exercise" in result.output


def test_same_advice_under_another_rule_set_is_not_a_failure(tmp_path: Path) -> None:
    base = write_rules(tmp_path / "base", "1", 7.0, night_pain=False)
    head = write_rules(tmp_path / "head", "2", 7.5, night_pain=False)
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text("athlete_id: a\ndate: 2026-11-24\nwellbeing: {sleep_h_avg_7d: 6}\n", encoding="utf-8")
    log = tmp_path / "audit.jsonl"
    assert (
        CliRunner().invoke(cli, ["recommend", str(snapshot), "--rules", str(base), "--audit-log", str(log)]).exit_code
        == 0
    )
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "--rules", str(head)])
    assert result.exit_code == 0, result.output
    assert "same advice, other rule set" in result.output


def test_a_malformed_log_is_a_usage_error(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    log.write_text('{"time": 1}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", "verify", str(log)])
    assert result.exit_code == 2
    assert "audit.jsonl:1: not an audit record" in result.output
    assert "audit.jsonl:2: not JSON" in result.output


def test_an_archived_rule_set_re_runs_its_own_decisions(tmp_path: Path) -> None:
    old = write_rules(tmp_path / "old", "1", 7.0, night_pain=False)
    new = write_rules(tmp_path / "new", "2", 6.0, night_pain=False)
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text("athlete_id: a\ndate: 2026-11-24\nwellbeing: {sleep_h_avg_7d: 6.5}\n", encoding="utf-8")
    log = tmp_path / "audit.jsonl"
    assert (
        CliRunner().invoke(cli, ["recommend", str(snapshot), "--rules", str(old), "--audit-log", str(log)]).exit_code
        == 0
    )
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "--rules", str(new)])
    assert result.exit_code == 1 and "- reduce-load" in result.output
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "--rules", str(new), "--archive", str(old)])
    assert result.exit_code == 0, result.output
    assert "reproduced" in result.output and "re-run with" not in result.output
