"""`runstrong batch`: many snapshots in, one result (or one error) per snapshot out, in order.

Rows stream from the inputs in chunks; each chunk is evaluated in this process (`-j 1`), by a
pool of worker processes that each build their engine once, or on a Dask cluster; results come
back in input order and are written to `.part` files. Every so often the part files are synced
and a checkpoint (`OUTPUT.progress`) records how many rows are done and how long each part file
was, so `--resume` can cut the part files back to that point and carry on.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from runstrong.audit.log import AuditLog
from runstrong.batch.evaluate import CSV_COLUMNS, Mapper, Outcome
from runstrong.batch.parquet import ParquetPart
from runstrong.batch.pool import chunked
from runstrong.batch.rows import PartFile, csv_line, read_rows
from runstrong.rules.model import RuleSet
from runstrong.util.atomic import write_atomically
from runstrong.util.errors import UserError

PROGRESS_VERSION = 1
STATUSES = ("green", "insufficient-data", "amber", "red")


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
    detail: str = "full"

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
        fingerprint = {"inputs": inputs, "format": self.fmt, "errors": str(self.errors), "ruleset": self.ruleset.digest}
        return fingerprint | ({"detail": self.detail} if self.detail != "full" else {})


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
        lines.append("status: " + (", ".join(f"{k} {t.status[k]}" for k in STATUSES if t.status[k]) or "-"))
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


def _valid_checkpoint(data: Any) -> bool:
    """The shape a checkpoint has: counts that are whole numbers, sizes that are not negative."""
    if not isinstance(data, dict) or not isinstance(data.get("tally"), dict):
        return False
    tally = data["tally"]
    counts = [tally.get(k) for k in ("rows", "results", "errors")] + [
        data.get("output_bytes"),
        data.get("errors_bytes"),
    ]
    tables = [tally.get(k) for k in ("status", "adjustments", "rules")]
    return (
        isinstance(data.get("version"), int)
        and isinstance(data.get("job"), dict)
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts)
        and all(isinstance(t, dict) and all(isinstance(v, int) for v in t.values()) for t in tables)
        and tally["rows"] == tally["results"] + tally["errors"]
    )


def _load_checkpoint(job: BatchJob) -> dict[str, Any] | None:
    """The checkpoint to resume from, or None to start afresh."""
    if not job.resume or not job.progress_file.exists():
        return None
    try:
        checkpoint: Any = json.loads(job.progress_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"--resume: cannot read {job.progress_file}: {error}") from None
    if not _valid_checkpoint(checkpoint):
        raise UserError(
            f"--resume: {job.progress_file} is not a checkpoint runstrong wrote (damaged or edited); "
            "run without --resume to start again"
        )
    if checkpoint["version"] != PROGRESS_VERSION or checkpoint["job"] != job.fingerprint():
        raise UserError(
            f"--resume: {job.progress_file} is from a different run (other inputs, "
            "format, error file or rule set); run without --resume to start again"
        )
    for name, size in ((job.output, checkpoint["output_bytes"]), (job.errors, checkpoint["errors_bytes"])):
        part = name.with_name(name.name + ".part")
        if not part.exists():
            raise UserError(f"--resume: {part} is missing; run without --resume to start again")
        if part.stat().st_size < size:
            raise UserError(f"--resume: {part} is shorter than its checkpoint says; run without --resume")
    valid: dict[str, Any] = checkpoint
    return valid


class _Run:
    """One run's writers, tally and checkpoints."""

    def __init__(self, job: BatchJob) -> None:
        self.job = job
        checkpoint = _load_checkpoint(job)
        self.out: PartFile | ParquetPart
        if job.fmt == "parquet":
            if job.resume:
                raise UserError("--resume does not work with --format parquet (a Parquet file cannot be cut back)")
            self.tally = Tally()
            self.out = ParquetPart(job.output, job.ruleset.version)
            self.err = PartFile(job.errors)
        elif checkpoint is None:
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
                if isinstance(self.out, ParquetPart):
                    assert outcome.record is not None
                    self.out.write(outcome.record)
                else:
                    self.out.write(outcome.text)
                if outcome.audit is not None:
                    self.audit.append(outcome.audit)
            self.tally.add(outcome)
        rows, when = self.last
        if self.tally.rows - rows >= self.job.checkpoint_rows or time.monotonic() - when >= self.job.checkpoint_seconds:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Make everything written so far durable and record it (a Parquet run, which cannot be
        resumed, only appends the audit log)."""
        sizes = (0, 0) if isinstance(self.out, ParquetPart) else (self.out.sync(), self.err.sync())
        if self.job.audit_log and self.audit:
            AuditLog(self.job.audit_log).append(self.audit)
        self.audit = []
        if isinstance(self.out, ParquetPart):
            self.last = (self.tally.rows, time.monotonic())
            return
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


class Progress(Protocol):
    """What a run reports to while it goes (the command line shows a bar on a terminal)."""

    def update(self, rows: int, text: str) -> None: ...

    def close(self) -> None: ...


#: Given the job and the rows already done, a progress display, or None for none.
ProgressFactory = Callable[[BatchJob, int], Progress | None]


def run_batch(job: BatchJob, mapper: Mapper, workers: str, progress: ProgressFactory | None = None) -> Summary:
    """Evaluate every row of the job's inputs and write the results; return the summary."""
    run = _Run(job)
    started = time.monotonic()
    rows = islice(read_rows(job.inputs), run.start_rows, None)
    bar = progress(job, run.start_rows) if progress else None
    try:
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
            bar.close()
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
