"""`runstrong plan`: the gym week with the advice applied."""

from __future__ import annotations

from pathlib import Path

import click

from runstrong.cli.options import open_ruleset, ruleset_options, user_errors
from runstrong.engine.evaluator import Evaluator
from runstrong.plan.build import build_plan
from runstrong.plan.render import RENDERERS
from runstrong.snapshot.validation import read_snapshot


@click.command()
@click.argument("snapshot", type=str)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([*sorted(RENDERERS), "ics"]),
    default="text",
    show_default=True,
    help="text for people, markdown for notes, json for programs, ics for a calendar (needs runstrong[plan-calendar]).",
)
@ruleset_options
@user_errors
def plan(snapshot: str, fmt: str, rules_dir: Path | None, knowledge_dir: Path | None) -> None:
    """The gym week for one athlete SNAPSHOT (a YAML/JSON file, or - for stdin), day by day.

    From the planned sessions (plan.gym_sessions) or else the phase's template, with the advice
    of `runstrong recommend` applied (deload, fewer sessions, swaps for a painful site, the
    referral, load changes, plyometrics) and the scheduling rules checked: no high-intensity
    gym on a key run day, 48 h (or 72 h) between high-load sessions on the same muscles, gym on
    easy or rest days where possible.
    """
    data = read_snapshot(snapshot)
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    result = build_plan(ruleset, Evaluator(ruleset).evaluate(data))
    if fmt == "ics":
        from runstrong.plan.calendar import render_ics  # icalendar only when asked for

        click.echo(render_ics(result), nl=False)
        return
    click.echo(RENDERERS[fmt](result), nl=False)
