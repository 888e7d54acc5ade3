"""`runstrong recommend`: the advice for one athlete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from runstrong.advice.render import RENDERERS
from runstrong.advice.result import recommend as recommend_snapshot
from runstrong.audit.log import AuditLog, audit_record
from runstrong.cli.athlete import athlete_options, keep_decision, snapshot_input
from runstrong.cli.options import advice_format_option, audit_option, open_ruleset, ruleset_options, user_errors
from runstrong.engine.evaluator import Evaluator


@click.command()
@click.argument("snapshot", type=str, required=False)
@advice_format_option("text for people, json for programs, markdown for notes.")
@athlete_options
@audit_option
@ruleset_options
@user_errors
def recommend(
    snapshot: str | None,
    fmt: str,
    athlete_id: str | None,
    day: Any,
    db_path: Path | None,
    audit_log: Path | None,
    rules_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Give the training adjustments for one athlete SNAPSHOT (a YAML/JSON file, or - for stdin).

    Or --athlete ID [--date D]: the snapshot is built from the history (`runstrong history`),
    and the decision is kept there with its result and rule-set digest (`history show`).

    Each adjustment comes with the rules that produced it, the evidence and its grade
    (S strong, C consensus, H heuristic) and the exercises it means. The status is red when a
    clinician referral fires, amber when any decrease fires, green otherwise. Missing data is
    unknown, never fine: progression is held until sleep and symptoms are known.
    """
    data = snapshot_input(snapshot, athlete_id, day, db_path)
    result = recommend_snapshot(Evaluator(open_ruleset(rules_dir, knowledge_dir)), data)
    click.echo(RENDERERS[fmt](result), nl=False)  # the advice first: a log that cannot be written loses none of it
    if athlete_id:
        keep_decision(db_path, data, result)
    if audit_log:
        AuditLog(audit_log).append([audit_record(data, result, "recommend")])
