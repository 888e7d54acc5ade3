"""`runstrong batch`: every row gives a result or an error line, in order, whatever the workers;
an interrupted run resumes to the same output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runstrong.advice.result import recommend
from runstrong.batch.evaluate import RowEvaluator, local_mapper
from runstrong.batch.run import BatchJob, run_batch
from runstrong.cli.main import cli
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import read_snapshot, validation_problems
from runstrong.util.paths import example_dir


def good_snapshots(count: int) -> list[dict[str, Any]]:
    """Varied valid snapshots, from the two examples."""
    bases = [read_snapshot(example_dir() / name) for name in ("healthy-base-week4.yaml", "achilles-flare-up.yaml")]
    snapshots = []
    for index in range(count):
        snapshot = json.loads(json.dumps(bases[index % 2]))
        snapshot["athlete_id"] = f"runner-{index:03d}"
        snapshot["running"]["week_km"] = 30 + index % 25
        snapshot["wellbeing"]["fatigue"] = 1 + index % 5
        if index % 7 == 3:
            snapshot["symptoms"]["red_flags"] = ["night_pain"]
        if index % 5 == 4:
            del snapshot["wellbeing"]
        snapshots.append(snapshot)
    return snapshots


BAD_ROWS: list[tuple[str, str | None]] = [
    ('{"athlete_id": "bad-json", "date": ', None),  # invalid JSON: the athlete id is not readable
    ('{"athlete_id": "b-type", "date": "2026-11-24", "wellbeing": {"fatigue": "high"}}', "b-type"),
    ('{"athlete_id": "b-range", "date": "2026-11-24", "wellbeing": {"fatigue": 9}}', "b-range"),
    ('{"athlete_id": "b-field", "date": "2026-11-24", "wellbeing": {"slep_quality": 3}}', "b-field"),
    ("", None),  # an empty line
    ("[1, 2]", None),  # not a mapping
    ('{"date": "2026-11-24"}', None),  # no athlete id
]


def mixed_batch(path: Path, good: int = 12) -> tuple[list[dict[str, Any]], dict[int, str | None]]:
    """Good rows with every kind of bad row mixed in and a truncated last line.
    Returns the good snapshots and {line: athlete id or None} of the bad rows."""
    lines: list[str] = []
    bad: dict[int, str | None] = {}
    snapshots = good_snapshots(good)
    pending = list(BAD_ROWS)
    for snapshot in snapshots:
        lines.append(json.dumps(snapshot))
        if pending and len(lines) % 2 == 0:
            text, athlete = pending.pop(0)
            lines.append(text)
            bad[len(lines)] = athlete
    for text, athlete in pending:
        lines.append(text)
        bad[len(lines)] = athlete
    lines.append('{"athlete_id": "cut-off", "date": "2026-1')
    bad[len(lines)] = None
    path.write_text("\n".join(lines), encoding="utf-8")  # no newline at the end: truncated
    return snapshots, bad


def _run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["batch", *args], input=stdin)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_good_rows_give_results_and_bad_rows_land_in_the_error_file(tmp_path: Path, evaluator: Evaluator) -> None:
    source = tmp_path / "in.jsonl"
    snapshots, bad = mixed_batch(source)
    out = tmp_path / "out.jsonl"
    result = _run(str(source), "-o", str(out), "-j", "1")
    assert result.exit_code == 3, result.output
    results = _lines(out)
    assert [r["athlete_id"] for r in results] == [s["athlete_id"] for s in snapshots]
    assert results == [json.loads(json.dumps(recommend(evaluator, s))) for s in snapshots]
    errors = _lines(tmp_path / "out.errors.jsonl")
    assert {e["line"]: e["athlete_id"] for e in errors} == bad
    assert all(e["source"] == str(source) and e["problems"] for e in errors)
    rows = len(snapshots) + len(bad)
    assert f"rows read: {rows} = {len(snapshots)} results ({out}) + {len(bad)} errors" in result.stdout
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob("*.progress"))


def test_error_messages_are_the_field_paths_recommend_gives(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    mixed_batch(source)
    _run(str(source), "-o", str(tmp_path / "out.jsonl"), "-j", "1")
    lines = source.read_text(encoding="utf-8").splitlines()
    for error in _lines(tmp_path / "out.errors.jsonl"):
        text = lines[error["line"] - 1]
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            assert error["problems"][0]["where"] == "(line)"
            continue
        expected = [{"where": p.where, "message": p.message} for p in validation_problems(data)]
        assert error["problems"] == expected
    by_line = {e["line"]: e["problems"] for e in _lines(tmp_path / "out.errors.jsonl")}
    messages = [p["message"] for problems in by_line.values() for p in problems]
    assert any("did you mean 'sleep_quality'" in m for m in messages)
    assert any("expected a whole number from 1 to 5; got 9" in m for m in messages)


def test_all_good_exits_0_and_csv_output_has_one_row_per_snapshot(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in good_snapshots(6)), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _run(str(source), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "athlete_id,date,status,adjustments,suppressed,rules,unknown"
    assert len(lines) == 7 and lines[1].startswith("runner-000,2026-11-24,")
    assert (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8") == ""


def test_a_red_flag_row_is_red_in_csv(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in good_snapshots(4)), encoding="utf-8")
    _run(str(source), "-o", str(tmp_path / "out.csv"), "-j", "1")
    row = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[4]
    assert row.startswith("runner-003,2026-11-24,red,") and "refer-to-clinician" in row and "RF02" in row


def test_csv_input_with_a_missing_column(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "athlete_id,date,wellbeing.fatigue,symptoms.red_flags\n"
        "c1,2026-11-24,2,[]\n"
        "c2,2026-11-24,3\n"
        'c3,2026-11-24,7,"[""rest_pain""]"\n'
        'c4,2026-11-24,4,"[""rest_pain""]"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = _run(str(source), "-o", str(out), "--errors", str(tmp_path / "bad.jsonl"), "-j", "1")
    assert result.exit_code == 3
    assert [r["athlete_id"] for r in _lines(out)] == ["c1", "c4"]
    assert _lines(out)[1]["status"] == "red"
    errors = _lines(tmp_path / "bad.jsonl")
    assert [(e["line"], e["athlete_id"]) for e in errors] == [(3, "c2"), (4, "c3")]
    assert errors[0]["problems"][0]["message"] == "3 cells, but the header has 4 columns"
    assert errors[1]["problems"] == [
        {"where": "wellbeing.fatigue", "message": "expected a whole number from 1 to 5; got 7"}
    ]


def test_stdin_folders_and_several_inputs_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "snaps"
    folder.mkdir()
    snapshots = good_snapshots(3)
    for index, snapshot in enumerate(snapshots):
        (folder / f"{index}.json").write_text(json.dumps(snapshot), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stdin = json.dumps({**snapshots[0], "athlete_id": "from-stdin"}) + "\n"
    result = _run(
        str(folder), "-", str(example_dir() / "healthy-base-week4.yaml"), "-o", str(out), "-j", "1", stdin=stdin
    )
    assert result.exit_code == 0, result.output
    assert [r["athlete_id"] for r in _lines(out)] == [
        "runner-000",
        "runner-001",
        "runner-002",
        "from-stdin",
        "runner-017",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.jsonl", "-o", "out.jsonl"], "no such file or folder"),
        (["in.jsonl", "-o", "nowhere/out.jsonl"], "no such folder"),
        (["in.jsonl", "-o", "in.jsonl"], "is the input"),
        (["in.jsonl", "-o", "out.jsonl", "-j", "0"], "0"),
    ],
)
def test_invalid_usage_exits_2(tmp_path: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text("", encoding="utf-8")
    result = _run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_an_empty_input_gives_empty_files(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text("", encoding="utf-8")
    result = _run(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "-j", "1")
    assert result.exit_code == 0
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == ""
    assert "rows read: 0 = 0 results" in result.stdout


def test_one_and_two_workers_give_identical_output(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    mixed_batch(source, good=40)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        result = _run(str(source), "-o", str(out), "-j", jobs, "--chunk-size", "3")
        assert result.exit_code == 3
        outputs.append((out.read_bytes(), (tmp_path / f"out{jobs}.errors.jsonl").read_bytes()))
    assert outputs[0] == outputs[1]


def test_audit_log_gets_one_line_per_result(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    snapshots, _ = mixed_batch(source, good=5)
    log = tmp_path / "audit.jsonl"
    _run(str(source), "-o", str(tmp_path / "out.jsonl"), "-j", "2", "--audit-log", str(log))
    records = _lines(log)
    assert [r["snapshot"]["athlete_id"] for r in records] == [s["athlete_id"] for s in snapshots]
    assert {r["command"] for r in records} == {"batch"}


def test_resume_refuses_a_checkpoint_from_another_run(tmp_path: Path, ruleset: RuleSet) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in good_snapshots(5)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    other_run = {
        "version": 1,
        "job": {"inputs": []},
        "tally": {"rows": 0, "results": 0, "errors": 0, "status": {}, "adjustments": {}, "rules": {}},
        "output_bytes": 0,
        "errors_bytes": 0,
    }
    (tmp_path / "out.jsonl.progress").write_text(json.dumps(other_run), encoding="utf-8")
    result = _run(str(source), "-o", str(out), "--resume", "-j", "1")
    assert result.exit_code == 2 and "different run" in result.output


def test_resume_without_a_checkpoint_starts_afresh(tmp_path: Path, ruleset: RuleSet) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in good_snapshots(3)), encoding="utf-8")
    job = BatchJob([str(source)], tmp_path / "out.jsonl", tmp_path / "err.jsonl", "jsonl", ruleset, resume=True)
    summary = run_batch(job, local_mapper(RowEvaluator(ruleset, "jsonl", False)), "1 process")
    assert summary.tally.results == 3 and summary.resumed_from == 0


def _wait_for_checkpoint(path: Path, rows: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the batch finished before it could be interrupted"
        try:
            if json.loads(path.read_text(encoding="utf-8"))["tally"]["rows"] >= rows:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.02)
    raise AssertionError("no checkpoint written")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_killed_run_resumes_to_the_same_output(tmp_path: Path, jobs: str) -> None:
    source = tmp_path / "in.jsonl"
    mixed_batch(source, good=200)
    reference = tmp_path / "reference.jsonl"
    assert _run(str(source), "-o", str(reference), "-j", "1").exit_code == 3

    out = tmp_path / "out.jsonl"
    command = [
        str(Path(sys.executable).parent / "runstrong"),
        "batch",
        str(source),
        "-o",
        str(out),
        "-j",
        jobs,
        "--chunk-size",
        "4",
        "--checkpoint-rows",
        "10",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _wait_for_checkpoint(tmp_path / "out.jsonl.progress", 40, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not out.exists() and (tmp_path / "out.jsonl.part").exists()

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 3, resumed.stderr
    assert "resumed after row" in resumed.stdout
    assert out.read_bytes() == reference.read_bytes()
    assert (tmp_path / "out.errors.jsonl").read_bytes() == (tmp_path / "reference.errors.jsonl").read_bytes()
    assert "rows read: 208 = 200 results" in resumed.stdout
    assert not (tmp_path / "out.jsonl.progress").exists()


def test_folder_documents_have_no_line_but_their_file(tmp_path: Path) -> None:
    folder = tmp_path / "snaps"
    folder.mkdir()
    (folder / "bad.yaml").write_text("athlete_id: x\ndate: 2026-11-24\nwellbeing: {fatigue: 0}\n", encoding="utf-8")
    result = _run(str(folder), "-o", str(tmp_path / "out.jsonl"), "-j", "1")
    assert result.exit_code == 3
    (error,) = _lines(tmp_path / "out.errors.jsonl")
    assert error["source"] == str(folder / "bad.yaml") and error["line"] is None and error["athlete_id"] == "x"
    assert error["problems"][0]["where"] == "wellbeing.fatigue"


def test_no_progress_bar_when_piped(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in good_snapshots(3)), encoding="utf-8")
    result = _run(str(source), "-o", str(tmp_path / "out.jsonl"), "-j", "1")
    assert result.exit_code == 0 and result.stderr == ""


def test_a_new_run_replaces_leftovers_of_an_interrupted_one(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in good_snapshots(2)), encoding="utf-8")
    (tmp_path / "out.jsonl.part").write_text("half a li", encoding="utf-8")
    (tmp_path / "out.jsonl.progress").write_text("{}", encoding="utf-8")
    assert _run(str(source), "-o", str(tmp_path / "out.jsonl"), "-j", "1").exit_code == 0
    assert [r["athlete_id"] for r in _lines(tmp_path / "out.jsonl")] == ["runner-000", "runner-001"]
    assert not (tmp_path / "out.jsonl.part").exists() and not (tmp_path / "out.jsonl.progress").exists()
