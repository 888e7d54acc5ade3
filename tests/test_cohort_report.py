"""`runstrong cohort report`: the same counts from full JSON Lines, summary JSON Lines and
Parquet; weekly red/amber/green shares; the rules that never fired; an HTML page with charts."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runstrong.batch.cohort import CohortReport, Outcome, cohort_report
from runstrong.cli.main import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from cohort import cohort


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("report")
    source = folder / "cohort.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in cohort(48, seed=5)), encoding="utf-8")
    paths = {"full": folder / "full.jsonl", "summary": folder / "summary.jsonl", "parquet": folder / "r.parquet"}
    for key, extra in (("full", []), ("summary", ["--detail", "summary"]), ("parquet", [])):
        assert _run("batch", str(source), "-o", str(paths[key]), "-j", "1", *extra).exit_code == 0
    return paths


def test_the_three_result_formats_give_the_same_report(results: dict[str, Path]) -> None:
    texts = {key: _run("cohort", "report", str(path)) for key, path in results.items()}
    assert all(done.exit_code == 0 for done in texts.values())
    assert texts["full"].output == texts["summary"].output == texts["parquet"].output
    full = [json.loads(line) for line in results["full"].read_text(encoding="utf-8").splitlines()]
    status = Counter(row["status"] for row in full)
    assert "results: 48 for 12 athletes over 4 ISO weeks" in texts["full"].output
    assert (
        "status: " + ", ".join(f"{s} {status[s]}" for s in ("green", "insufficient-data", "amber", "red") if status[s])
        in texts["full"].output
    )
    fired = {fired["rule"] for row in full for fired in row["fired"]}
    line = next(line for line in texts["full"].output.splitlines() if line.startswith("rules that never fired"))
    never = line.split(": ", 1)[1].split()
    assert never and not set(never) & fired
    assert "2026-W45: 12 athletes" in texts["full"].output


def test_weekly_shares_count_each_athlete_once_with_the_worst_status() -> None:
    report = CohortReport(rule_ids=["A", "B"])
    for athlete, date, status in [
        ("x", "2026-11-02", "green"),
        ("x", "2026-11-04", "red"),  # same ISO week: x counts as red once
        ("y", "2026-11-03", "insufficient-data"),  # amber
        ("x", "2026-11-09", "green"),
        ("y", "2026-11-10", "green"),
    ]:
        report.add(Outcome(athlete, date, status, (), ("A",), "d"))
    assert report.weekly_shares() == [
        ("2026-W45", 2, {"green": 0.0, "amber": 0.5, "red": 0.5}),
        ("2026-W46", 2, {"green": 1.0, "amber": 0.0, "red": 0.0}),
    ]
    assert report.never_fired == ["B"]
    one_week = CohortReport()
    one_week.add(Outcome("x", "2026-11-02", "green", (), (), "d"))
    assert one_week.weekly_shares() == []


def test_the_html_page_embeds_its_charts(results: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    page = tmp_path / "cohort.html"
    done = _run("cohort", "report", str(results["summary"]), "--html", str(page))
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') == 4  # status, weeks, adjustments, rules
    assert "Rules that never fired" in text and "2026-W46" in text


def test_missing_matplotlib_or_a_bad_file_is_a_clear_usage_error(
    results: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "snapshots.jsonl"
    bad.write_text('{"athlete_id": "a", "date": "2026-11-24"}\n', encoding="utf-8")
    done = _run("cohort", "report", str(bad))
    assert done.exit_code == 2 and f"{bad}:1: not a result of runstrong batch" in done.output
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    done = _run("cohort", "report", str(results["summary"]), "--html", str(tmp_path / "x.html"))
    assert done.exit_code == 2 and "pip install 'runstrong[plots]'" in done.output
    assert not (tmp_path / "x.html").exists()


def test_a_report_reads_its_results_as_a_stream(results: dict[str, Path]) -> None:
    report = cohort_report([results["parquet"], results["summary"]], ["GP14"])
    assert report.rows == 96 and report.rules["GP14"] == 96
