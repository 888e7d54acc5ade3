"""`runstrong history`: the athlete database: import watch files, check in, build snapshots, show trends."""

from __future__ import annotations

import json
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import click
import yaml

from runstrong.cli.athlete import date_option, db_option, open_history, the_day
from runstrong.cli.options import user_errors
from runstrong.util.atomic import write_atomically, write_bytes_atomically
from runstrong.util.errors import UserError

EXIT_SOME_FAILED = 3


def athlete_option(command: Any) -> Any:
    return click.option(
        "--athlete", "athlete_id", required=True, metavar="ID", help="The athlete (any id you choose)."
    )(command)


@click.group()
def history() -> None:
    """The athlete history: a database of activities, check-ins, progress and the decisions given.

    \b
    runstrong history import *.fit activities.csv --athlete ana
    runstrong history checkin --athlete ana today.yaml
    runstrong history snapshot --athlete ana --date 2026-11-24
    runstrong recommend --athlete ana          (the same snapshot, then the advice; kept in the history)
    runstrong history show --athlete ana -o ana.svg

    The database is $RUNSTRONG_DB, else history.sqlite3 in your data folder; --db PATH for another.
    """


@history.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@athlete_option
@db_option
@user_errors
def import_files(files: tuple[Path, ...], athlete_id: str, db_path: Path | None) -> None:
    """Import activity FILES: FIT (Garmin, Coros, Suunto...), GPX, TCX and Strava's activities.csv.

    Only running counts as running volume; walks, rides, swims and rows are stored but not
    counted, and a multisport file adds its running legs. The same file imported again changes
    nothing. A file that cannot be read (corrupt, truncated, not an activity) is named with the
    reason and the others are still imported. Exit codes: 0 all imported, 3 some files (or CSV
    rows) failed, 2 usage errors.
    """
    from runstrong.history.importer import import_file

    failed = 0
    with closing(open_history(db_path)) as connection:
        for path in files:
            outcome = import_file(connection, athlete_id, path)
            if outcome.status == "failed":
                click.echo(f"FAILED     {outcome.name}: {outcome.reason}", err=True)
            elif outcome.status == "unchanged":
                click.echo(f"unchanged  {outcome.name}: {outcome.reason}")
            else:
                known = f", {outcome.known} already stored" if outcome.known else ""
                click.echo(f"imported   {outcome.name}: {outcome.new} new ({outcome.running} running){known}")
            for problem in outcome.row_problems:
                click.echo(f"FAILED     {outcome.name}: {problem}", err=True)
            failed += outcome.failed
    if failed:
        click.echo(f"runstrong: {failed} of {len(files)} files had failures (named above)", err=True)
        sys.exit(EXIT_SOME_FAILED)


@history.command("checkin")
@click.argument("files", nargs=-1, required=True, type=str)
@athlete_option
@db_option
@user_errors
def checkin(files: tuple[str, ...], athlete_id: str, db_path: Path | None) -> None:
    """Record check-ins, one day each, from FILES (YAML/JSON, or - for stdin).

    \b
    date: 2026-11-24                     required: the day it describes
    symptoms: {...}  wellbeing: {...}    as in a snapshot (energy, profile, plan, metrics too)
    progress: {reps_at_fixed_load: 12, circuit_time_s: 410, bar_speed_mps: 0.81}
    gym_sessions_logged: [{intensity: high, muscle_groups: [calves], deload: false}]

    A second check-in for the same day replaces the first. Every file is checked before any is
    stored: one mistake (named by file and field) stores none of them.
    """
    from runstrong.history.checkin import parse_checkin
    from runstrong.history.store import store_checkin
    from runstrong.snapshot.strict import decode
    from runstrong.util.errors import Problem

    entries = []
    for file in files:
        raw = sys.stdin.buffer.read() if file == "-" else _read_bytes(file)
        try:
            entries.append(parse_checkin(decode(raw, file), file, athlete_id))
        except UserError as error:
            raise UserError(
                [Problem(f"{file}: {p.where}" if p.where != file else file, p.message) for p in error.problems]
            ) from None
    with closing(open_history(db_path)) as connection:
        for entry in entries:
            store_checkin(connection, athlete_id, entry.day, entry.data, entry.progress, entry.sessions)
    for entry in entries:
        extra = [*(["progress"] if entry.progress else []), *(["gym sessions"] if entry.sessions else [])]
        parts = ", ".join([*entry.data, *extra]) or "nothing but the date"
        click.echo(f"checked in {athlete_id} for {entry.day.isoformat()}: {parts}")


def _read_bytes(file: str) -> bytes:
    try:
        return Path(file).read_bytes()
    except OSError as error:
        raise UserError(f"{file}: {error.strerror or error}") from None


@history.command("snapshot")
@athlete_option
@date_option
@click.option("-f", "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to FILE.")
@db_option
@user_errors
def snapshot(athlete_id: str, day: Any, fmt: str, output: Path | None, db_path: Path | None) -> None:
    """The snapshot for one athlete and day, built from the history (--date, default today).

    week_km: running in the 7 days ending on the date; prev_week_km: the 7 days before;
    longest_run_30d_km: the longest run of the 30 days ending on the date; cadence against the
    28 days before the week; the week's largest single-run spike; symptom trends from earlier
    check-ins; baselines (28 days, 14 days of data at least). `provenance` says where each value
    came from. A window the stored activities do not cover is unknown, not zero.
    """
    from runstrong.history.builder import build_snapshot

    with closing(open_history(db_path)) as connection:
        data = build_snapshot(connection, athlete_id, the_day(day))
    text = (
        json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if fmt == "json"
        else yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    )
    if output:
        write_atomically(output, text)
    else:
        click.echo(text, nl=False)


@history.command("athletes")
@db_option
@user_errors
def athletes(db_path: Path | None) -> None:
    """List the athletes in the history, with their activities, check-ins and decisions."""
    from runstrong.history.queries import athletes as listed

    with closing(open_history(db_path)) as connection:
        rows = listed(connection)
    if not rows:
        click.echo("no athletes yet: runstrong history import FILE... --athlete ID")
    for row in rows:
        click.echo(
            f"{row['id']}: {_count(row['activities'], 'activity', 'activities')} "
            f"(last {row['last_activity'] or '-'}), {_count(row['checkins'], 'check-in')}, "
            f"{_count(row['decisions'], 'decision')}"
        )


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


@history.command("show")
@athlete_option
@date_option
@click.option("--weeks", type=click.IntRange(1, 104), default=12, show_default=True, help="Weeks to show.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the plots to FILE.png or FILE.svg (needs runstrong[plots]).",
)
@click.option("--decision", "decision_id", type=int, default=None, help="Show one decision given again, in full.")
@db_option
@user_errors
def show(
    athlete_id: str, day: Any, weeks: int, output: Path | None, decision_id: int | None, db_path: Path | None
) -> None:
    """The athlete's weeks and the decisions given; -o writes the plots (weekly distance with the
    30-day longest run, cadence against baseline, tendon pain in the pain-monitoring zones, sleep,
    each decision's status).

    --decision ID prints that decision again as it was given (its result and rule-set digest).
    """
    from runstrong.history.queries import decisions
    from runstrong.history.trends import collect_trends

    with closing(open_history(db_path)) as connection:
        trends = collect_trends(connection, athlete_id, the_day(day), weeks)
        given = decisions(connection, athlete_id)
    if decision_id is not None:
        _show_decision(given, decision_id)
        return
    click.echo(f"{athlete_id}: {weeks} weeks to {trends.until.isoformat()}")
    click.echo("week ending   running km   longest run 30 d (km)")
    for end, km, longest in zip(trends.week_ends, trends.week_km, trends.longest_30d_km, strict=True):
        click.echo(f"{end.isoformat()}   {km:10.1f}   {longest:21.1f}")
    click.echo(f"decisions given: {len(given)}")
    for row in given:
        click.echo(
            f"  #{row['id']} {row['day']} {row['status']:<17} rule set {row['ruleset_version']} "
            f"({row['ruleset_digest'][:16]}), given {row['decided_at']}"
        )
    if output:
        from runstrong.history.plots import render_plots

        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg"):
            raise UserError(f"--output: {output.name}: the plots are written as .png or .svg")
        data = render_plots(trends, fmt)
        write_bytes_atomically(output, data)
        click.echo(f"plots written to {output}")


def _show_decision(given: list[Any], decision_id: int) -> None:
    from runstrong.advice.render import RENDERERS

    for row in given:
        if row["id"] == decision_id:
            click.echo(f"decision #{row['id']}, given {row['decided_at']}, rule set digest {row['ruleset_digest']}")
            click.echo(RENDERERS["text"](json.loads(row["result"])), nl=False)
            return
    ids = ", ".join(f"#{row['id']}" for row in given) or "none yet"
    raise UserError(f"--decision: no decision {decision_id} for this athlete (given: {ids})")
