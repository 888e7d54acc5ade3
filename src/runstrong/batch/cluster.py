"""Running `runstrong batch` on a Dask cluster (the optional extra `runstrong[dask]`).

The input is still read and written by this process, streaming: it is cut into partitions
(chunks of rows) that are submitted to the cluster with at most a few per worker thread in flight,
and the results are collected in input order. The rule set is sent to every worker once; each
worker thread builds its engine once, on its first partition, and keeps it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from runstrong.batch.evaluate import Mapper, Outcome, RowEvaluator
from runstrong.batch.pool import ordered
from runstrong.batch.rows import Row
from runstrong.rules.model import RuleSet
from runstrong.util.errors import UserError

_local = threading.local()


def evaluate_partition(ruleset: RuleSet, fmt: str, audit: bool, rows: list[Row], detail: str = "full") -> list[Outcome]:
    """Runs on a worker: evaluate one partition with this worker thread's engine."""
    worker: RowEvaluator | None = getattr(_local, "worker", None)
    wanted = (ruleset.digest, fmt, audit, detail)
    if worker is None or (worker.ruleset.digest, worker.fmt, worker.audit, worker.detail) != wanted:
        worker = _local.worker = RowEvaluator(ruleset, fmt, audit, detail)
    return worker.chunk(rows)


def _client(target: Any, workers: int | None) -> tuple[Any, list[Any]]:
    """A client for `local`, a scheduler address, or an existing Client; and what to close."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UserError("--dask needs the optional extra: pip install 'runstrong[dask]'") from None
    # experta puts a handler on the root logger, which would print distributed's INFO chatter
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if isinstance(target, Client):
        return target, []
    if target == "local":
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # read by the worker processes
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
        return client, [client, cluster]
    try:
        client = Client(target, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as error:
        raise UserError(f"--dask: cannot reach the scheduler at {target}: {error}") from None
    return client, [client]


@contextmanager
def dask_mapper(
    target: Any, ruleset: RuleSet, fmt: str, audit: bool, workers: int | None = None, detail: str = "full"
) -> Iterator[Mapper]:
    """A Mapper that evaluates partitions on a Dask cluster: `local` (a LocalCluster with
    `workers` processes), a scheduler address, or a `distributed.Client`."""
    client, to_close = _client(target, workers)
    try:
        shared = client.scatter(ruleset, broadcast=True)
        threads = max(sum(client.nthreads().values()), 1)

        def mapper(chunks: Iterator[list[Row]]) -> Iterator[list[Outcome]]:
            return ordered(
                lambda chunk: client.submit(evaluate_partition, shared, fmt, audit, chunk, detail, pure=False),
                lambda future: future.result(),
                chunks,
                in_flight=4 * threads,
            )

        yield mapper
    finally:
        for item in to_close:
            item.close()
