"""The `explain` command line: modes, audiences, formats, audit log and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from runstrong.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
ACHILLES = str(ROOT / "examples" / "achilles-flare-up.yaml")


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.output


def test_explain_rule_json_and_lower_case_id() -> None:
    code, out = _run("explain", ACHILLES, "--rule", "td01", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["mode"] == "rule" and doc["fired"] and doc["rule"]["rule"] == "TD01"
    assert doc["audience"] == "coach"


def test_explain_adjustment_markdown_for_the_clinician() -> None:
    code, out = _run("explain", ACHILLES, "--adjustment", "progress-load", "--audience", "clinician", "-f", "markdown")
    assert code == 0
    assert out.startswith("# Progress the load [progress-load]")
    assert "GP01" in out


def test_explain_reads_stdin_and_writes_the_audit_log(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    text = Path(ACHILLES).read_text(encoding="utf-8")
    code, out = _run("explain", "-", "--rule", "RF02", "--audit-log", str(log), stdin=text)
    assert code == 0 and "did not fire" in out
    [record] = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert record["command"] == "explain" and record["snapshot"]["athlete_id"] == "ana"


def test_usage_errors_exit_2() -> None:
    assert _run("explain", ACHILLES, "--rule", "ZZ99")[0] == 2
    code, out = _run("explain", ACHILLES, "--adjustment", "fly-to-the-moon")
    assert code == 2 and "no adjustment 'fly-to-the-moon'" in out
    assert _run("explain", ACHILLES, "--rule", "TD01", "--adjustment", "reduce-load")[0] == 2
    code, out = _run("explain", "-", stdin="athlete_id: x\ndate: 2026-11-24\nwellbeing: {sleep: 3}\n")
    assert code == 2 and "wellbeing.sleep" in out


def test_explanations_do_not_depend_on_the_hash_seed() -> None:
    """experta orders equal-salience activations differently per process; the trace must not."""
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "3"):
        run = subprocess.run(
            [sys.executable, "-c", "from runstrong.cli.main import main; main()", "explain", ACHILLES, "-f", "json"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
