"""`runstrong batch --detail summary` and `--format parquet`: the same decisions as the full
result, brief rows (at most 1 KB on a realistic cohort), Parquet read back with pyarrow and DuckDB."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runstrong.cli.main import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from cohort import cohort

from test_batch import mixed_batch


def _cohort_file(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps(s) + "\n" for s in cohort(count, seed=11)), encoding="utf-8")
    return path


def _batch(*args: str) -> Any:
    return CliRunner().invoke(cli, ["batch", *args, "-j", "1"])


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One cohort of 120 athlete-weeks run as full JSON Lines, summary JSON Lines and Parquet."""
    folder = tmp_path_factory.mktemp("cohort")
    source = _cohort_file(folder / "cohort.jsonl", 120)
    paths = {"full": folder / "full.jsonl", "summary": folder / "summary.jsonl", "parquet": folder / "out.parquet"}
    assert _batch(str(source), "-o", str(paths["full"])).exit_code == 0
    assert _batch(str(source), "-o", str(paths["summary"]), "--detail", "summary").exit_code == 0
    done = _batch(str(source), "-o", str(paths["parquet"]))
    assert done.exit_code == 0, done.output
    return paths


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_summary_rows_hold_the_full_results_decisions_in_at_most_1_kb(runs: dict[str, Path]) -> None:
    full, brief = _lines(runs["full"]), _lines(runs["summary"])
    assert len(full) == len(brief) == 120
    for whole, row in zip(full, brief, strict=True):
        assert row["athlete_id"] == whole["athlete_id"] and row["date"] == whole["date"]
        assert row["status"] == whole["status"]
        assert list(row["adjustments"]) == [rec["adjustment"] for rec in whole["recommendations"]]
        for rec in whole["recommendations"]:
            kept = row["adjustments"][rec["adjustment"]]
            assert kept.items() <= rec["params"].items()  # only sentences (reasons, criteria) left out
            assert all(not isinstance(v, str) or " " not in v for v in kept.values())
        assert row["suppressed"] == [rec["adjustment"] for rec in whole["suppressed"]]
        assert row["fired"] == [fired["rule"] for fired in whole["fired"]]
        assert row["unknown"] == len(whole["unknown"])
        assert row["ruleset"] == whole["ruleset"]["digest"]
    sizes = [len(line) for line in runs["summary"].read_bytes().splitlines(keepends=True)]
    assert max(sizes) <= 1024, max(sizes)
    assert sum(sizes) * 10 < runs["full"].stat().st_size


def test_parquet_rows_read_back_with_pyarrow_are_the_summary_rows(runs: dict[str, Path]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(runs["parquet"])
    assert table.column_names == [
        "athlete_id",
        "date",
        "status",
        "adjustments",
        "params",
        "suppressed",
        "rules",
        "unknown",
        "ruleset_version",
        "ruleset_digest",
    ]
    rows = table.to_pylist()
    brief = _lines(runs["summary"])
    assert len(rows) == len(brief)
    for row, line in zip(rows, brief, strict=True):
        assert (row["athlete_id"], row["date"].isoformat(), row["status"]) == (
            line["athlete_id"],
            line["date"],
            line["status"],
        )
        assert row["adjustments"] == list(line["adjustments"])
        assert json.loads(row["params"]) == line["adjustments"]
        assert row["suppressed"] == line["suppressed"] and row["rules"] == line["fired"]
        assert row["unknown"] == line["unknown"] and row["ruleset_digest"] == line["ruleset"]


def test_parquet_is_queried_with_duckdb(runs: dict[str, Path]) -> None:
    duckdb = pytest.importorskip("duckdb")
    brief = _lines(runs["summary"])
    counts = duckdb.sql(
        f"SELECT status, count(*) FROM read_parquet('{runs['parquet']}') GROUP BY status ORDER BY status"
    ).fetchall()
    expected: dict[str, int] = {}
    for line in brief:
        expected[line["status"]] = expected.get(line["status"], 0) + 1
    assert dict(counts) == expected
    [(fired,)] = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{runs['parquet']}') WHERE list_contains(rules, 'GP18')"
    ).fetchall()
    assert fired == sum("GP18" in line["fired"] for line in brief)


def test_parquet_is_written_in_row_groups_and_bad_rows_go_to_the_error_file(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from runstrong.batch.evaluate import RowEvaluator, local_mapper
    from runstrong.batch.run import BatchJob, run_batch
    from runstrong.rules.ruleset import load_ruleset
    from runstrong.util.paths import default_knowledge_dir, default_rules_dir

    ruleset = load_ruleset(default_rules_dir(), default_knowledge_dir())
    source = tmp_path / "in.jsonl"
    good, bad = mixed_batch(source, good=25)
    job = BatchJob([str(source)], tmp_path / "out.parquet", tmp_path / "out.errors.jsonl", "parquet", ruleset)
    import runstrong.batch.parquet as parquet

    original, parquet.ROW_GROUP = parquet.ROW_GROUP, 10
    try:
        run_batch(job, local_mapper(RowEvaluator(ruleset, "parquet", False)), "1 process")
    finally:
        parquet.ROW_GROUP = original
    assert not (tmp_path / "out.parquet.part").exists()
    assert pq.ParquetFile(job.output).metadata.num_row_groups == 3  # 25 rows in groups of 10
    assert [row["athlete_id"] for row in pq.read_table(job.output).to_pylist()] == [s["athlete_id"] for s in good]
    errors = [json.loads(line) for line in job.errors.read_text(encoding="utf-8").splitlines()]
    assert {e["line"]: e["athlete_id"] for e in errors} == bad


def test_parquet_without_pyarrow_is_a_clear_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _cohort_file(tmp_path / "in.jsonl", 2)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    done = _batch(str(source), "-o", str(tmp_path / "out.parquet"))
    assert done.exit_code == 2
    assert "pip install 'runstrong[parquet]'" in done.output
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.csv", "--detail", "summary"], "--detail is for JSON Lines"),
        (["-o", "out.parquet", "--detail", "full"], "--detail is for JSON Lines"),
        (["-o", "out.parquet", "--resume"], "--resume does not work with --format parquet"),
    ],
)
def test_options_a_format_cannot_honour_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    source = _cohort_file(tmp_path / "in.jsonl", 2)
    args = [str(tmp_path / a) if a.startswith("out.") else a for a in args]
    done = _batch(str(source), *args)
    assert done.exit_code == 2 and message in done.output
