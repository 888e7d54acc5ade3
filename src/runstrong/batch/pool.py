"""Evaluating chunks of rows in worker processes, results kept in input order."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from runstrong.batch.evaluate import Mapper, Outcome, RowEvaluator
from runstrong.batch.rows import Row
from runstrong.rules.model import RuleSet

_worker: RowEvaluator | None = None


def _init_worker(ruleset: RuleSet, fmt: str, audit: bool, parent: int, detail: str) -> None:
    global _worker
    _worker = RowEvaluator(ruleset, fmt, audit, detail)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose batch process was killed (SIGKILL leaves no time to stop it) exits too."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _evaluate_chunk(rows: list[Row]) -> list[Outcome]:
    assert _worker is not None
    return _worker.chunk(rows)


def ordered(
    submit: Callable[[list[Row]], Any],
    result: Callable[[Any], list[Outcome]],
    chunks: Iterator[list[Row]],
    in_flight: int,
) -> Iterator[list[Outcome]]:
    """Results of `submit`ted chunks in input order, with at most `in_flight` chunks pending
    (so memory stays flat however long the input)."""
    pending: deque[Any] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= in_flight:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


class PoolMapper:
    """A context manager giving a Mapper backed by `jobs` worker processes."""

    def __init__(self, jobs: int, ruleset: RuleSet, fmt: str, audit: bool, detail: str = "full") -> None:
        self.jobs = jobs
        self.initargs = (ruleset, fmt, audit, os.getpid(), detail)

    def __enter__(self) -> Mapper:
        self.pool = multiprocessing.Pool(self.jobs, _init_worker, self.initargs)
        pool = self.pool

        def mapper(chunks: Iterator[list[Row]]) -> Iterator[list[Outcome]]:
            return ordered(
                lambda chunk: pool.apply_async(_evaluate_chunk, (chunk,)),
                lambda pending: pending.get(),
                chunks,
                in_flight=4 * self.jobs,
            )

        return mapper

    def __exit__(self, *exc: object) -> None:
        self.pool.terminate()
        self.pool.join()


def chunked(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
