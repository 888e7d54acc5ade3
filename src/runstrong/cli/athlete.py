"""`--athlete ID [--date D] [--db PATH]`: a snapshot built from the history instead of a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from runstrong.snapshot.validation import Snapshot, read_snapshot
from runstrong.util.errors import UserError


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--db PATH`: the history database (default: $RUNSTRONG_DB, else the user's data folder)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="History database (default: $RUNSTRONG_DB, else history.sqlite3 in the user's data folder).",
    )(command)


def date_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--date",
        "day",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="The day to build the snapshot for (YYYY-MM-DD; default: today).",
    )(command)


def athlete_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--athlete ID`, `--date D`, `--db PATH` for commands that also take a snapshot file."""
    command = db_option(date_option(command))
    return click.option(
        "--athlete",
        "athlete_id",
        default=None,
        metavar="ID",
        help="Build the snapshot from this athlete's history (see `runstrong history`) instead of a file.",
    )(command)


def the_day(day: Any) -> date:
    return day.date() if day is not None else date.today()


def open_history(db_path: Path | None) -> Any:
    from runstrong.history.db import connect  # the history only when it is asked for

    return connect(db_path)


def snapshot_input(snapshot: str | None, athlete_id: str | None, day: Any, db_path: Path | None) -> Snapshot:
    """The snapshot from the file, or built from the athlete's history; exactly one of the two."""
    if snapshot and athlete_id:
        raise UserError("give a SNAPSHOT file or --athlete ID, not both")
    if athlete_id:
        from runstrong.history.builder import build_snapshot

        connection = open_history(db_path)
        try:
            return build_snapshot(connection, athlete_id, the_day(day))
        finally:
            connection.close()
    if day is not None or db_path is not None:
        raise UserError("--date and --db go with --athlete ID")
    if not snapshot:
        raise UserError("give a SNAPSHOT file (or - for stdin), or --athlete ID")
    return read_snapshot(snapshot)


def keep_decision(db_path: Path | None, snapshot: Snapshot, result: dict[str, Any]) -> None:
    """Store a decision given from the history, so `history show` can show it again."""
    from runstrong.history.store import store_decision

    connection = open_history(db_path)
    try:
        store_decision(connection, snapshot["athlete_id"], date.fromisoformat(snapshot["date"]), snapshot, result)
    finally:
        connection.close()


def history_figures(athlete_id: str, day: Any, db_path: Path | None, weeks: int = 12) -> list[tuple[str, str]]:
    """The history's plots as (caption, SVG), for the HTML report (needs runstrong[plots])."""
    from runstrong.history.plots import render_plots
    from runstrong.history.trends import collect_trends

    connection = open_history(db_path)
    try:
        trends = collect_trends(connection, athlete_id, the_day(day), weeks)
    finally:
        connection.close()
    caption = f"{athlete_id}: the last {weeks} weeks from the history (runstrong history show)"
    try:
        return [(caption, render_plots(trends, "svg").decode())]
    except UserError as error:  # matplotlib missing: the report still comes, without its plots
        click.echo(f"runstrong: warning: the report has no plots: {error}", err=True)
        return []
