"""The command line, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from runstrong.cli.main import cli
from runstrong.util.paths import example_dir

HEALTHY = str(example_dir() / "healthy-base-week4.yaml")
FLARE = str(example_dir() / "achilles-flare-up.yaml")


def _run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_recommend_json_has_the_contract_fields() -> None:
    result = _run("recommend", FLARE, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"athlete_id", "date", "status", "recommendations", "suppressed", "unknown", "fired", "ruleset"} <= set(data)
    assert data["status"] == "amber"
    first = data["recommendations"][0]
    assert {"adjustment", "title", "params", "rules", "evidence", "exercises"} <= set(first)
    assert {"version", "digest"} <= set(data["ruleset"])
    assert all(f["matches"] for f in data["fired"])


def test_recommend_text_and_markdown_read_well() -> None:
    text = _run("recommend", HEALTHY).stdout
    assert "GREEN" in text and "Add 5 %" in text
    markdown = _run("recommend", HEALTHY, "-f", "markdown").stdout
    assert markdown.startswith("# runner-017, 2026-11-24")


def test_recommend_reads_stdin_and_writes_an_audit_log(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    snapshot = json.dumps({"athlete_id": "x", "date": "2026-11-24", "symptoms": {"red_flags": ["night_pain"]}})
    result = _run("recommend", "-", "-f", "json", "--audit-log", str(log), stdin=snapshot)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "red"
    record = json.loads(log.read_text())
    assert record["snapshot"]["athlete_id"] == "x" and record["result"]["status"] == "red"


def test_invalid_input_exits_2_with_the_field_path_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("athlete_id: a\ndate: 2026-11-24\nwellbeing: {sleep_h_avg_7d: 20}\n")
    result = _run("recommend", str(bad))
    assert result.exit_code == 2
    assert "wellbeing.sleep_h_avg_7d: expected a number from 0 to 16; got 20" in result.stderr
    assert "Traceback" not in result.output
    missing = _run("recommend", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "cannot read snapshot" in missing.stderr


def test_rules_check_list_show_and_doc(tmp_path: Path) -> None:
    assert _run("rules", "check").stdout.startswith("ok: ")
    listing = _run("rules", "list").stdout
    assert "RF02" in listing and "refer-to-clinician" in listing
    shown = _run("rules", "show", "rf02")
    assert shown.exit_code == 0 and "rationale" in shown.stdout and "Evidence:" in shown.stdout
    assert _run("rules", "show", "ZZ99").exit_code == 2


def test_rules_check_fails_on_a_broken_rule_set(tmp_path: Path) -> None:
    (tmp_path / "ruleset.yaml").write_text('version: "x"\n')
    (tmp_path / "AB01-x.yaml").write_text("id: AB01\n")
    result = _run("rules", "check", "--rules", str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path / 'AB01-x.yaml'}:1:" in result.stderr
    assert _run("rules", "check", "--rules", str(tmp_path / "none")).exit_code == 2


def test_schema_prints_json_schema() -> None:
    schema = json.loads(_run("schema").stdout)
    assert schema["required"] == ["athlete_id", "date"]


def test_the_rule_reference_is_generated_and_up_to_date() -> None:
    docs = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert docs.read_text(encoding="utf-8") == _run("rules", "doc").stdout, (
        "run: uv run runstrong rules doc -o docs/rules.md"
    )
