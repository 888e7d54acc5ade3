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
    help="The coming block: week 1 is this week's plan, each later week planned again from its projected state.",
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

    From the planned sessions (plan.gym_sessions) or else the phase's session templates, each
    session with a warm-up, its main part (sets, reps, tempo, effort, rest, the load change),
    ramp-up sets, a cool-down, its length and when to do it on a run day; the home programme;
    the advice of `runstrong recommend` applied (the same doses); the calendar's rules (no heavy
    leg work on or beside a key run or the long run, 48-72 h between hard sessions, the race).

    --weeks N (1-12): the coming block; week 1 is exactly this week's plan, each later week is
    planned again from the state projected for it (the race closer, the phase and deloads moved
    on, the advice followed), marked as a projection the next check-in revises.
    JSON: {"weeks": [...]} when N > 1; ics: every week's sessions on their dates.
    """
    data = snapshot_input(snapshot, athlete_id, day, db_path)
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    evaluation = Evaluator(ruleset).evaluate(data)
    result = build_plan(ruleset, evaluation) if weeks == 1 else {"weeks": build_block(ruleset, evaluation, weeks)}
    if fmt == "ics":
        from runstrong.plan.calendar import render_ics  # icalendar only when asked for

        click.echo(render_ics(result), nl=False)
        return
    click.echo(RENDERERS[fmt](result), nl=False)
