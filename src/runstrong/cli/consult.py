"""`runstrong consult`: the interactive consultation at the command line."""

from __future__ import annotations

import datetime
from pathlib import Path

import click
import yaml

from runstrong.advice.render import RENDERERS
from runstrong.audit.log import AuditLog, audit_record
from runstrong.cli.options import advice_format_option, audit_option, open_ruleset, ruleset_options, user_errors
from runstrong.consult.dialogue import Consultation, EndOfInput, run_dialogue
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.partial import Partial
from runstrong.snapshot.validation import read_snapshot, validate
from runstrong.util.atomic import write_atomically
from runstrong.util.errors import UserError


def _ask() -> str:
    try:
        answer: str = click.prompt("", default="", show_default=False, prompt_suffix="> ")
    except click.Abort:
        raise EndOfInput from None
    return answer


@click.command()
@click.option(
    "--from",
    "start",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Start from this (partial) snapshot and ask only for what is missing.",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the completed snapshot (snapshot format, YAML) to this file.",
)
@click.option("--athlete-id", default=None, help="Athlete id for a new snapshot (default: athlete).")
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date of a new snapshot, YYYY-MM-DD (default: today).",
)
@advice_format_option("Format of the final advice.")
@audit_option
@ruleset_options
@user_errors
def consult(
    start: Path | None,
    save: Path | None,
    athlete_id: str | None,
    day: datetime.datetime | None,
    fmt: str,
    audit_log: Path | None,
    rules_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Consult at the terminal: one question at a time, only what can still change the advice.

    Red-flag questions come first; a question is skipped once every rule that uses its answer
    is decided. Answer `unknown` (or nothing) when a value is not known. At any prompt:
    why (which rules need this answer), how (how the advice so far was reached), back, advice,
    quit. Answers can also come from standard input, one per line. The final advice is what
    `runstrong recommend` gives for the completed snapshot (see --save).
    """
    if start is not None and str(start) == "-":
        raise UserError("--from: standard input holds the answers; give a file")
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    initial = read_snapshot(start) if start is not None else {}
    consultation = Consultation(
        Evaluator(ruleset),
        Partial.from_snapshot(initial),
        athlete_id or initial.get("athlete_id") or "athlete",
        day.date().isoformat() if day else str(initial.get("date") or datetime.date.today().isoformat()),
    )
    finished = run_dialogue(consultation, _ask, click.echo)
    snapshot = validate(consultation.snapshot())
    result = consultation.result()
    answers = len(consultation.history)
    click.echo(f"\n{'Consultation complete' if finished else 'Consultation stopped'} after {answers} answer(s).")
    if save is not None:
        write_atomically(save, yaml.safe_dump(snapshot, sort_keys=False, allow_unicode=True))
        click.echo(f"Snapshot saved to {save}.")
    if audit_log:
        AuditLog(audit_log).append([audit_record(snapshot, result, "consult")])
    click.echo("")
    click.echo(RENDERERS[fmt](result), nl=False)
