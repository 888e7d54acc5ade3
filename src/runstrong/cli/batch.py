"""The `runstrong batch` command (the batch machinery is imported only when it runs, to keep
every other command's start-up short)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from runstrong.cli.options import audit_option, open_ruleset, ruleset_options, user_errors

if TYPE_CHECKING:
    from runstrong.batch.run import BatchJob

EXIT_SOME_ERRORS = 3
FORMATS = ("jsonl", "csv", "parquet")


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Results file (written as OUTPUT.part and moved into place at the end).",
)
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Rows that could not be evaluated, as JSON Lines [default: OUTPUT's name + .errors.jsonl].",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="jsonl: one result per line; csv: one row per snapshot; parquet: one row per athlete-date "
    "(needs runstrong[parquet]) [default: from OUTPUT's suffix, .csv or .parquet, else jsonl].",
)
@click.option(
    "--detail",
    type=click.Choice(("full", "summary")),
    default=None,
    help="JSON Lines only. full: exactly what recommend --format json gives (about 20 KB a row); summary: "
    "status, adjustments with params, suppressed, fired rule ids, count of unknown fields (under 1 KB) "
    "[default: full].",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes, each building its engine once [default: all cores].",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted run of the same command.")
@click.option(
    "--dask",
    "dask_target",
    default=None,
    metavar="SCHEDULER|local",
    help="Evaluate on a Dask cluster (a scheduler address, or local); needs runstrong[dask].",
)
@click.option("--chunk-size", type=click.IntRange(min=1), default=None, hidden=True)
@click.option("--checkpoint-rows", type=click.IntRange(min=1), default=2000, hidden=True)
@audit_option
@ruleset_options
@user_errors
def batch(
    inputs: tuple[str, ...],
    output: Path,
    errors_path: Path | None,
    fmt: str | None,
    detail: str | None,
    jobs: int | None,
    resume: bool,
    dask_target: str | None,
    chunk_size: int | None,
    checkpoint_rows: int,
    audit_log: Path | None,
    rules_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Evaluate many snapshots: INPUT... are JSON Lines files, CSV files (dotted field names as
    columns, lists as JSON in a cell), YAML/JSON snapshot files or folders of them, or - (JSON
    Lines on standard input).

    Results are written in input order; a row that cannot be evaluated goes to the error file with
    its input, line, athlete id and the problem, and never stops the batch. Exit code 0 when
    every row gave a result, 3 when some rows went to the error file, 2 for invalid usage.
    """
    from runstrong.batch.evaluate import RowEvaluator, local_mapper
    from runstrong.batch.paths import OutputLock, check_paths
    from runstrong.batch.pool import PoolMapper, default_jobs
    from runstrong.batch.rows import check_inputs
    from runstrong.batch.run import BatchJob, run_batch

    errors = errors_path or output.with_name(f"{output.stem}.errors.jsonl")
    check_inputs(list(inputs))
    outputs = {"-o/--output": output, "--errors": errors} | ({"--audit-log": audit_log} if audit_log else {})
    check_paths(list(inputs), outputs)
    fmt = fmt or {".csv": "csv", ".parquet": "parquet"}.get(output.suffix.lower(), "jsonl")
    check_detail(fmt, detail, resume)
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    audit = audit_log is not None
    job = BatchJob(
        list(inputs),
        output,
        errors,
        fmt,
        ruleset,
        audit_log,
        resume,
        chunk_size or (256 if dask_target else 32),
        checkpoint_rows,
        detail=detail or "full",
    )
    context: Any
    if dask_target:
        from runstrong.batch.cluster import dask_mapper

        context, workers = dask_mapper(dask_target, ruleset, fmt, audit, jobs, job.detail), f"Dask {dask_target}"
    elif (jobs or default_jobs()) > 1:
        count = jobs or default_jobs()
        context, workers = PoolMapper(count, ruleset, fmt, audit, job.detail), f"{count} worker processes"
    else:
        context, workers = nullcontext(local_mapper(RowEvaluator(ruleset, fmt, audit, job.detail))), "1 process"
    with OutputLock(output), context as mapper:
        summary = run_batch(job, mapper, workers, terminal_progress)
    click.echo(summary.render(), nl=False)
    if summary.tally.errors:
        sys.exit(EXIT_SOME_ERRORS)


def check_detail(fmt: str, detail: str | None, resume: bool) -> None:
    """Refuse (exit 2) a --detail the format cannot give, and --resume for Parquet; check that
    pyarrow is there for Parquet before anything is read."""
    from runstrong.util.errors import UserError

    if detail is not None and fmt != "jsonl":
        what = "one brief row per snapshot" if fmt == "csv" else "the summary's columns"
        raise UserError(f"--detail is for JSON Lines; --format {fmt} always writes {what}")
    if fmt == "parquet":
        from runstrong.batch.parquet import require_pyarrow

        require_pyarrow()
        if resume:
            raise UserError("--resume does not work with --format parquet (a Parquet file cannot be cut back)")


class _TerminalBar:
    """click's progress bar, entered on creation."""

    def __init__(self, length: int) -> None:
        self.bar: Any = click.progressbar(
            length=length,
            file=sys.stderr,
            label="evaluating",
            show_pos=True,
            show_eta=True,
            width=30,
            item_show_func=lambda rate: rate,
        )
        self.bar.__enter__()

    def update(self, rows: int, text: str) -> None:
        self.bar.update(rows, text)

    def close(self) -> None:
        self.bar.__exit__(None, None, None)


def terminal_progress(job: BatchJob, done: int) -> _TerminalBar | None:
    """A progress bar on a terminal; None when stderr is piped or redirected."""
    from runstrong.batch.rows import count_rows

    if not sys.stderr.isatty():
        return None
    total = count_rows(job.inputs)
    return None if total is None else _TerminalBar(max(total - done, 0))
