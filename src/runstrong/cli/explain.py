"""`runstrong explain`: how each recommendation was reached, why a rule fired or not, what would change it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from runstrong.advice.result import build_result
from runstrong.audit.log import AuditLog, audit_record
from runstrong.cli.athlete import athlete_options, history_figures, snapshot_input
from runstrong.cli.options import audit_option, open_ruleset, ruleset_options, user_errors
from runstrong.engine.evaluator import Evaluator
from runstrong.engine.records import Evaluation
from runstrong.explain.document import Block
from runstrong.explain.plan_blocks import plan_blocks
from runstrong.explain.render import AUDIENCES, FORMATS, render_explanation
from runstrong.explain.trace import explain as explain_all
from runstrong.explain.trace import explain_adjustment, explain_rule
from runstrong.rules.model import RuleSet
from runstrong.util.errors import UserError

REPORT_FORMATS = ["text", "json", "markdown"]


@click.command()
@click.argument("snapshot", type=str, required=False)
@click.option("--rule", "rule_id", default=None, metavar="ID", help="Why this rule fired or did not.")
@click.option(
    "--adjustment",
    "adjustment_id",
    default=None,
    metavar="ID",
    help="Why this adjustment is in the advice, held back, or absent.",
)
@click.option(
    "--trace",
    is_flag=True,
    help="Add the engine's own record: every condition with the field, threshold name and value seen.",
)
@click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    default="coach",
    show_default=True,
    help="clinician: thresholds, sources, evidence; coach: actions and reasons; athlete: plain words.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="html writes a self-contained page to print or send.",
)
@audit_option
@athlete_options
@ruleset_options
@user_errors
def explain(
    snapshot: str | None,
    rule_id: str | None,
    adjustment_id: str | None,
    trace: bool,
    audience: str,
    fmt: str,
    athlete_id: str | None,
    day: Any,
    db_path: Path | None,
    audit_log: Path | None,
    rules_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Explain the advice for one athlete SNAPSHOT (a YAML/JSON file, or - for stdin).

    Or --athlete ID [--date D]: the snapshot built from the history (`runstrong history`);
    with -f html the report then carries the history's plots (needs runstrong[plots]).

    Without options: the advice in plain words, actions first, each with what was seen and the
    sources behind it (one grade each); what was held back and why; what would change the
    advice (each change checked by re-running the rules); and what is not known. --trace adds,
    for every recommendation, the rules that gave it and each condition with the value seen,
    the threshold (name, value, unit, source) and the result, in the engine's own terms.

    \b
    --rule ID        every condition of one rule (true / false / unknown), no short-cut
    --adjustment ID  every rule that gives it, and what stopped each one
    """
    if rule_id and adjustment_id:
        raise UserError("give --rule or --adjustment, not both")
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    data = snapshot_input(snapshot, athlete_id, day, db_path)
    evaluator = Evaluator(ruleset)
    evaluation = evaluator.evaluate(data)
    if rule_id:
        try:
            rule = ruleset.rule(rule_id.upper())
        except KeyError:
            raise UserError(f"--rule: no rule '{rule_id}' (see `runstrong rules list`)") from None
        doc = explain_rule(evaluator, evaluation, rule)
    elif adjustment_id:
        if adjustment_id not in ruleset.knowledge.adjustments:
            raise UserError(
                f"--adjustment: no adjustment '{adjustment_id}' (one of: "
                f"{', '.join(sorted(ruleset.knowledge.adjustments))})"
            )
        doc = explain_adjustment(evaluator, evaluation, adjustment_id)
    else:
        doc = explain_all(evaluator, evaluation)
    extra = _plan_blocks(ruleset, evaluation) if fmt == "html" and doc["mode"] == "advice" else None
    figures = history_figures(athlete_id, day, db_path) if fmt == "html" and athlete_id else None
    click.echo(render_explanation(doc, fmt, audience, trace, extra, figures), nl=False)
    if audit_log:
        AuditLog(audit_log).append([audit_record(data, build_result(ruleset, evaluation), "explain")])


def _plan_blocks(ruleset: RuleSet, evaluation: Evaluation) -> list[Block]:
    """The week's gym plan (`runstrong plan`) as report blocks, for the HTML report."""
    from runstrong.plan.build import build_plan

    return plan_blocks(build_plan(ruleset, evaluation))
