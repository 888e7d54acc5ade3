"""`runstrong batch`: many snapshots in, one result (or one error) per snapshot out, in order.

Rows stream from the inputs in chunks; each chunk is evaluated in this process (`-j 1`), by a
pool of worker processes that each build their engine once, or on a Dask cluster; results come
back in input order and are written to `.part` files. Every so often the part files are synced
and a checkpoint (`OUTPUT.progress`) records how many rows are done and how long each part file
was, so `--resume` can cut the part files back to that point and carry on.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import click

from runstrong.advice.result import build_result
from runstrong.audit.log import AuditLog, audit_record
from runstrong.batch.rows import PartFile, Row, count_rows, csv_line, read_rows
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.ruleset import RuleSet
from runstrong.snapshot.validation import validate
from runstrong.util.atomic import write_atomically
from runstrong.util.errors import InvalidSnapshot, Problem, UserError

CSV_COLUMNS = ["athlete_id", "date", "status", "adjustments", "suppressed", "rules", "unknown"]
PROGRESS_VERSION = 1


@dataclass(frozen=True)
class Outcome:
    """What one row gave: an output line or an error line (encoded), and what to count in the
    summary."""

    text: bytes | None = None
    error: bytes | None = None
    status: str = ""
    adjustments: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    audit: dict[str, Any] | None = None


def _error_line(row: Row, problems: list[Any]) -> bytes:
    data = row.data if isinstance(row.data, dict) else {}
    athlete = data.get("athlete_id")
    record = {
        "source": row.source,
        "line": row.line,
        "athlete_id": athlete if isinstance(athlete, str) else None,
        "problems": [{"where": p.where, "message": p.message} for p in problems],
    }
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _csv_result(result: dict[str, Any]) -> str:
    return csv_line(
        [
            result["athlete_id"],
            result["date"],
            result["status"],
            " ".join(rec["adjustment"] for rec in result["recommendations"]),
            " ".join(rec["adjustment"] for rec in result["suppressed"]),
            " ".join(fired["rule"] for fired in result["fired"]),
            " ".join(unknown["field"] for unknown in result["unknown"]),
        ]
    )


class RowEvaluator:
    """Turns rows into outcomes with one engine, built once (one per worker process)."""

    def __init__(self, ruleset: RuleSet, fmt: str, audit: bool) -> None:
        self.ruleset = ruleset
        self.evaluator = Evaluator(ruleset)
        self.fmt = fmt
        self.audit = audit

    def __call__(self, row: Row) -> Outcome:
        row = row.parsed()
        if row.problems:
            return Outcome(error=_error_line(row, list(row.problems)))
        try:
            snapshot = validate(row.data)
        except InvalidSnapshot as error:
            return Outcome(error=_error_line(row, error.problems))
        try:
            result = build_result(self.ruleset, self.evaluator.evaluate(snapshot))
        except Exception as error:
            return Outcome(error=_error_line(row, [Problem("(engine)", f"internal error: {error!r}")]))
        if self.fmt == "csv":
            text = _csv_result(result)
        else:
            text = json.dumps(result, sort_keys=True, ensure_ascii=False) + "\n"
        return Outcome(
            text=text.encode("utf-8"),
            status=result["status"],
            adjustments=tuple(rec["adjustment"] for rec in result["recommendations"]),
            rules=tuple(fired["rule"] for fired in result["fired"]),
            audit=audit_record(snapshot, result, "batch") if self.audit else None,
        )

    def chunk(self, rows: list[Row]) -> list[Outcome]:
        return [self(row) for row in rows]


Mapper = Callable[[Iterator[list[Row]]], Iterator[list[Outcome]]]


def local_mapper(worker: RowEvaluator) -> Mapper:
    """Evaluate chunks in this process."""
    return lambda chunks: (worker.chunk(chunk) for chunk in chunks)


_worker: RowEvaluator | None = None


def _init_worker(ruleset: RuleSet, fmt: str, audit: bool, parent: int) -> None:
    global _worker
    _worker = RowEvaluator(ruleset, fmt, audit)
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

    def __init__(self, jobs: int, ruleset: RuleSet, fmt: str, audit: bool) -> None:
        self.jobs = jobs
        self.initargs = (ruleset, fmt, audit, os.getpid())

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


@dataclass
class Tally:
    """Counts kept across a run (and across resumed runs, through the checkpoint)."""

    rows: int = 0
    results: int = 0
    errors: int = 0
    status: Counter[str] = field(default_factory=Counter)
    adjustments: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        self.rows += 1
        if outcome.text is None:
            self.errors += 1
            return
        self.results += 1
        self.status[outcome.status] += 1
        self.adjustments.update(outcome.adjustments)
        self.rules.update(outcome.rules)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "results": self.results,
            "errors": self.errors,
            "status": dict(self.status),
            "adjustments": dict(self.adjustments),
            "rules": dict(self.rules),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        return cls(
            data["rows"],
            data["results"],
            data["errors"],
            Counter(data["status"]),
            Counter(data["adjustments"]),
            Counter(data["rules"]),
        )


@dataclass(frozen=True)
class BatchJob:
    """What to evaluate, where to write it, and how."""

    inputs: list[str]
    output: Path
    errors: Path
    fmt: str
    ruleset: RuleSet
    audit_log: Path | None = None
    resume: bool = False
    chunk_size: int = 32
    checkpoint_rows: int = 2000
    checkpoint_seconds: float = 2.0

    @property
    def progress_file(self) -> Path:
        return self.output.with_name(self.output.name + ".progress")

    def fingerprint(self) -> dict[str, Any]:
        """What must not change between a run and its resumption."""
        inputs = []
        for name in self.inputs:
            path = Path(name)
            stat = path.stat() if name != "-" and path.is_file() else None
            inputs.append([name, stat.st_size if stat else None, stat.st_mtime_ns if stat else None])
        return {"inputs": inputs, "format": self.fmt, "errors": str(self.errors), "ruleset": self.ruleset.digest}


@dataclass
class Summary:
    """What a run did, for the closing report."""

    tally: Tally
    seconds: float
    rows_this_run: int
    workers: str
    output: Path
    errors: Path
    rule_ids: list[str]
    resumed_from: int = 0

    @property
    def rate(self) -> float:
        return self.rows_this_run / self.seconds if self.seconds > 0 else 0.0

    def render(self) -> str:
        t = self.tally
        lines = [
            f"rows read: {t.rows} = {t.results} {_plural(t.results, 'result')} ({self.output})"
            f" + {t.errors} {_plural(t.errors, 'error')} ({self.errors})"
        ]
        if self.resumed_from:
            lines.append(f"resumed after row {self.resumed_from}")
        lines.append(
            f"time: {self.seconds:.1f} s for {self.rows_this_run} rows, {self.rate:.0f} rows/s, {self.workers}"
        )
        lines.append(
            "status: " + (", ".join(f"{k} {t.status[k]}" for k in ("green", "amber", "red") if t.status[k]) or "-")
        )
        lines.append(
            "adjustments: "
            + (", ".join(f"{k} {v}" for k, v in sorted(t.adjustments.items(), key=lambda kv: (-kv[1], kv[0]))) or "-")
        )
        fired = [rule for rule in self.rule_ids if t.rules[rule]]
        lines.append(
            f"rules fired ({len(fired)} of {len(self.rule_ids)}): "
            + (", ".join(f"{rule} {t.rules[rule]}" for rule in fired) or "-")
        )
        never = [rule for rule in self.rule_ids if not t.rules[rule]]
        if never:
            lines.append("rules that never fired: " + " ".join(never))
        return "\n".join(lines) + "\n"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _load_checkpoint(job: BatchJob) -> dict[str, Any] | None:
    """The checkpoint to resume from, or None to start afresh."""
    if not job.resume or not job.progress_file.exists():
        return None
    try:
        checkpoint: dict[str, Any] = json.loads(job.progress_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise UserError(f"--resume: cannot read {job.progress_file}: {error}") from None
    if checkpoint.get("version") != PROGRESS_VERSION or checkpoint.get("job") != job.fingerprint():
        raise UserError(
            f"--resume: {job.progress_file} is from a different run (other inputs, "
            "format, error file or rule set); run without --resume to start again"
        )
    for name in (job.output, job.errors):
        if not name.with_name(name.name + ".part").exists():
            raise UserError(f"--resume: {name}.part is missing; run without --resume to start again")
    return checkpoint


class _Run:
    """One run's writers, tally and checkpoints."""

    def __init__(self, job: BatchJob) -> None:
        self.job = job
        checkpoint = _load_checkpoint(job)
        if checkpoint is None:
            self.tally = Tally()
            self.out = PartFile(job.output)
            self.err = PartFile(job.errors)
            if job.fmt == "csv":
                self.out.write(csv_line(CSV_COLUMNS))
        else:
            self.tally = Tally.from_json(checkpoint["tally"])
            self.out = PartFile(job.output, checkpoint["output_bytes"])
            self.err = PartFile(job.errors, checkpoint["errors_bytes"])
        self.start_rows = self.tally.rows
        self.audit: list[dict[str, Any]] = []
        self.last = (self.tally.rows, time.monotonic())

    def write(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.text is None:
                assert outcome.error is not None
                self.err.write(outcome.error)
            else:
                self.out.write(outcome.text)
                if outcome.audit is not None:
                    self.audit.append(outcome.audit)
            self.tally.add(outcome)
        rows, when = self.last
        if self.tally.rows - rows >= self.job.checkpoint_rows or time.monotonic() - when >= self.job.checkpoint_seconds:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Make everything written so far durable and record it."""
        sizes = self.out.sync(), self.err.sync()
        if self.job.audit_log and self.audit:
            AuditLog(self.job.audit_log).append(self.audit)
        self.audit = []
        write_atomically(
            self.job.progress_file,
            json.dumps(
                {
                    "version": PROGRESS_VERSION,
                    "job": self.job.fingerprint(),
                    "tally": self.tally.to_json(),
                    "output_bytes": sizes[0],
                    "errors_bytes": sizes[1],
                }
            ),
        )
        self.last = (self.tally.rows, time.monotonic())

    def finish(self) -> None:
        if self.job.audit_log and self.audit:
            AuditLog(self.job.audit_log).append(self.audit)
        self.out.commit()
        self.err.commit()
        self.job.progress_file.unlink(missing_ok=True)

    def abandon(self) -> None:
        self.out.close()
        self.err.close()


def _progress_bar(job: BatchJob, done: int) -> Any:
    """A progress bar on a terminal; None when stderr is piped or redirected."""
    if not sys.stderr.isatty():
        return None
    total = count_rows(job.inputs)
    if total is None:
        return None
    return click.progressbar(
        length=max(total - done, 0),
        file=sys.stderr,
        label="evaluating",
        show_pos=True,
        show_eta=True,
        width=30,
        item_show_func=lambda rate: rate,
    )


def run_batch(job: BatchJob, mapper: Mapper, workers: str) -> Summary:
    """Evaluate every row of the job's inputs and write the results; return the summary."""
    run = _Run(job)
    started = time.monotonic()
    rows = islice(read_rows(job.inputs), run.start_rows, None)
    bar = _progress_bar(job, run.start_rows)
    try:
        if bar is not None:
            bar.__enter__()
        for outcomes in mapper(chunked(rows, job.chunk_size)):
            run.write(outcomes)
            if bar is not None:
                elapsed = time.monotonic() - started
                rate = (run.tally.rows - run.start_rows) / elapsed if elapsed > 0 else 0.0
                bar.update(len(outcomes), f"{rate:.0f} rows/s")
    except BaseException:
        run.abandon()
        raise
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    run.finish()
    return Summary(
        run.tally,
        time.monotonic() - started,
        run.tally.rows - run.start_rows,
        workers,
        job.output,
        job.errors,
        [rule.id for rule in job.ruleset.rules],
        run.start_rows,
    )


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
