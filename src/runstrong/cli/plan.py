"""`runstrong plan`: the gym week with the advice applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from runstrong.cli.athlete import athlete_options, snapshot_input
from runstrong.cli.options import open_ruleset, ruleset_options, user_errors
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.block import MAX_WEEKS, build_block
from runstrong.plan.build import build_plan
from runstrong.plan.render import RENDERERS
from runstrong.util.errors import UserError


@click.command()
@click.argument("snapshot", type=str, required=False)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([*sorted(RENDERERS), "ics"]),
    default="text",
    show_default=True,
    help="text for people, markdown for notes, json for programs, ics for a calendar (needs runstrong[plan-calendar]).",
)
@click.option(
    "--weeks",
    type=click.IntRange(1, MAX_WEEKS),
    default=1,
    show_default=True,
    help="The coming block: week 1 is this week's plan, the later weeks projections (phase, deloads, capped load).",
)
@athlete_options
@ruleset_options
@user_errors
def plan(
    snapshot: str | None,
    fmt: str,
    weeks: int,
    athlete_id: str | None,
    day: Any,
    db_path: Path | None,
    rules_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """The gym week for one athlete SNAPSHOT (a YAML/JSON file, or - for stdin), day by day.

    Or --athlete ID [--date D]: the snapshot built from the history (`runstrong history`).

    From the planned sessions (plan.gym_sessions) or else the phase's template, with the advice
    of `runstrong recommend` applied (deload, fewer sessions, swaps for a painful site, the
    referral, load changes, plyometrics) and the scheduling rules checked: no high-intensity
    gym on a key run day, 48 h (or 72 h) between high-load sessions on the same muscles, gym on
    easy or rest days where possible.

    --weeks N (1-12): the coming block; week 1 is exactly this week's plan, the later weeks are
    projections (phase progression before plan.race_in_days, a deload every 4-6 weeks, load
    progression capped at +5 % a week and none when the advice decreases) that the next
    check-in revises. JSON: {"weeks": [...]} when N > 1.
    """
    data = snapshot_input(snapshot, athlete_id, day, db_path)
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    evaluation = Evaluator(ruleset).evaluate(data)
    result = build_plan(ruleset, evaluation) if weeks == 1 else {"weeks": build_block(ruleset, evaluation, weeks)}
    if fmt == "ics":
        if weeks > 1:
            raise UserError("--format ics takes one week: leave out --weeks")
        from runstrong.plan.calendar import render_ics  # icalendar only when asked for

        click.echo(render_ics(result), nl=False)
        return
    click.echo(RENDERERS[fmt](result), nl=False)
