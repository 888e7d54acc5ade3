"""`runstrong batch --dask`: the same output on a Dask cluster as in one process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from runstrong.batch.evaluate import RowEvaluator, local_mapper
from runstrong.batch.run import BatchJob, run_batch
from runstrong.rules.model import RuleSet
from test_batch import mixed_batch

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0")
    with cluster, distributed.Client(cluster) as dask_client:
        yield dask_client


def _job(tmp_path: Path, source: Path, name: str, ruleset: RuleSet, fmt: str = "jsonl") -> BatchJob:
    return BatchJob(
        [str(source)], tmp_path / f"{name}.{fmt}", tmp_path / f"{name}.errors.jsonl", fmt, ruleset, chunk_size=5
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_dask_gives_the_same_output_as_one_process(tmp_path: Path, ruleset: RuleSet, client: object, fmt: str) -> None:
    from runstrong.batch.cluster import dask_mapper

    source = tmp_path / "in.jsonl"
    mixed_batch(source, good=30)
    local = _job(tmp_path, source, "local", ruleset, fmt)
    run_batch(local, local_mapper(RowEvaluator(ruleset, fmt, False)), "1 process")
    on_dask = _job(tmp_path, source, "dask", ruleset, fmt)
    with dask_mapper(client, ruleset, fmt, False) as mapper:
        summary = run_batch(on_dask, mapper, "Dask")
    assert on_dask.output.read_bytes() == local.output.read_bytes()
    assert on_dask.errors.read_bytes() == local.errors.read_bytes()
    assert summary.tally.rows == summary.tally.results + summary.tally.errors == 38


def test_a_worker_thread_builds_its_engine_once(ruleset: RuleSet) -> None:
    from runstrong.batch import cluster as batch_dask
    from runstrong.batch.rows import Row

    rows = [Row("x", n, {"athlete_id": f"a{n}", "date": "2026-11-24"}) for n in range(3)]
    first = batch_dask.evaluate_partition(ruleset, "jsonl", False, rows)
    engine = batch_dask._local.worker
    second = batch_dask.evaluate_partition(ruleset, "jsonl", False, rows)
    assert batch_dask._local.worker is engine and first == second
    batch_dask.evaluate_partition(ruleset, "csv", False, rows)
    assert batch_dask._local.worker is not engine


def test_the_cli_runs_on_a_scheduler_address(tmp_path: Path, client: object) -> None:
    from click.testing import CliRunner

    from runstrong.cli.main import cli

    source = tmp_path / "in.jsonl"
    mixed_batch(source, good=6)
    address = client.scheduler.address  # type: ignore[attr-defined]
    runner = CliRunner()
    on_dask = runner.invoke(cli, ["batch", str(source), "-o", str(tmp_path / "dask.jsonl"), "--dask", address])
    local = runner.invoke(cli, ["batch", str(source), "-o", str(tmp_path / "local.jsonl"), "-j", "1"])
    assert on_dask.exit_code == local.exit_code == 3, on_dask.output
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert f"Dask {address}" in on_dask.stdout


def test_a_cluster_of_two_worker_processes_at_its_address_gives_the_local_output(tmp_path: Path) -> None:
    """A real LocalCluster (two worker processes, as a cluster's would be) reached by its
    scheduler address, as `--dask tcp://HOST:PORT` is used; full and summary rows."""
    from click.testing import CliRunner

    from runstrong.cli.main import cli

    source = tmp_path / "in.jsonl"
    mixed_batch(source, good=40)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    with cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        pids = set(client.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids  # two processes of their own
        runner = CliRunner()
        for extra in ([], ["--detail", "summary"]):
            name = "summary" if extra else "full"
            on_dask = runner.invoke(
                cli,
                [
                    "batch",
                    str(source),
                    "-o",
                    str(tmp_path / f"dask-{name}.jsonl"),
                    "--dask",
                    cluster.scheduler_address,
                    *extra,
                ],
            )
            local = runner.invoke(
                cli, ["batch", str(source), "-o", str(tmp_path / f"local-{name}.jsonl"), "-j", "1", *extra]
            )
            assert on_dask.exit_code == local.exit_code == 3, on_dask.output
            assert (tmp_path / f"dask-{name}.jsonl").read_bytes() == (tmp_path / f"local-{name}.jsonl").read_bytes()
            assert (tmp_path / f"dask-{name}.errors.jsonl").read_bytes() == (
                tmp_path / f"local-{name}.errors.jsonl"
            ).read_bytes()
