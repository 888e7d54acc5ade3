"""The explanation and audit commands: `explain`, `audit verify`, `rules diff`, `rules coverage`.

`register(cli, rules)` adds them to the main command group and its `rules` group.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from runstrong.advice.result import build_result
from runstrong.audit.log import AuditLog, audit_record
from runstrong.audit.verify import OK, render_checks, verify_log
from runstrong.cli.options import audit_option, open_ruleset, ruleset_options, user_errors
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.impact import coverage, diff_cohort, read_cohort, render_coverage, render_diff
from runstrong.explain.render import AUDIENCES, FORMATS, render_explanation
from runstrong.explain.trace import explain as explain_all
from runstrong.explain.trace import explain_adjustment, explain_rule
from runstrong.snapshot.validation import read_snapshot
from runstrong.util.errors import UserError

REPORT_FORMATS = ["text", "json", "markdown"]


@click.command()
@click.argument("snapshot", type=str)
@click.option("--rule", "rule_id", default=None, metavar="ID", help="Why this rule fired or did not.")
@click.option(
    "--adjustment",
    "adjustment_id",
    default=None,
    metavar="ID",
    help="Why this adjustment is in the advice, held back, or absent.",
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
@ruleset_options
@user_errors
def explain(
    snapshot: str,
    rule_id: str | None,
    adjustment_id: str | None,
    audience: str,
    fmt: str,
    audit_log: Path | None,
    rules_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Explain the advice for one athlete SNAPSHOT (a YAML/JSON file, or - for stdin).

    Without options: for every recommendation, the rules that gave it and each of their
    conditions with the value seen, the threshold (name, value, unit, source) and the result;
    the conclusions they chained through; evidence and grades; what held adjustments back;
    what would change the advice (each change checked by re-running the rules); and which
    unknown fields could change it.

    \b
    --rule ID        every condition of one rule (true / false / unknown), no short-cut
    --adjustment ID  every rule that gives it, and what stopped each one
    """
    if rule_id and adjustment_id:
        raise UserError("give --rule or --adjustment, not both")
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    data = read_snapshot(snapshot)
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
    if audit_log:
        AuditLog(audit_log).append([audit_record(data, build_result(ruleset, evaluation), "explain")])
    click.echo(render_explanation(doc, fmt, audience), nl=False)


@click.group()
def audit() -> None:
    """Check an audit log written with --audit-log."""


@audit.command("verify")
@click.argument("log_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--archive",
    "archives",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="An older rule set to re-run its own decisions with: a folder holding rules/ and "
    "knowledge/, or a rules folder (with --knowledge). Repeatable.",
)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@ruleset_options
@user_errors
def audit_verify(
    log_file: Path, archives: tuple[Path, ...], fmt: str, rules_dir: Path | None, knowledge_dir: Path | None
) -> None:
    """Re-run every decision logged in FILE and report those that no longer reproduce.

    Each line's snapshot is checked against its logged digest (a changed snapshot is reported),
    then re-run with the rule set the line names when it is the one given by --rules/--knowledge
    (default: the bundled one) or one of the --archive folders; otherwise with --rules, and the
    digest difference is said and the difference in advice shown. Exits 1 when any decision
    does not reproduce, 0 otherwise.
    """
    rulesets = [open_ruleset(rules_dir, knowledge_dir)]
    for folder in archives:
        if (folder / "rules").is_dir() and (folder / "knowledge").is_dir():
            rulesets.append(open_ruleset(folder / "rules", folder / "knowledge"))
        else:
            rulesets.append(open_ruleset(folder, knowledge_dir))
    checks = verify_log([Evaluator(ruleset) for ruleset in rulesets], log_file)
    click.echo(render_checks(checks, fmt), nl=False)
    if any(check.verdict not in OK for check in checks):
        sys.exit(1)


@click.command("diff")
@click.argument("cohort", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--base",
    "base_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The rule set in use (a rules folder).",
)
@click.option(
    "--head",
    "head_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The proposed rule set (a rules folder).",
)
@click.option(
    "--knowledge",
    "knowledge_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Knowledge base folder for both (default: the bundled one).",
)
@click.option(
    "--head-knowledge",
    "head_knowledge_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A different knowledge base for --head (default: same as --knowledge).",
)
@click.option("-f", "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True)
@user_errors
def rules_diff(
    cohort: Path, base_dir: Path, head_dir: Path, knowledge_dir: Path | None, head_knowledge_dir: Path | None, fmt: str
) -> None:
    """Run a COHORT through two rule sets and report whose advice changes, and why.

    COHORT is a folder of snapshot files (YAML/JSON) or a JSON Lines file. For each athlete
    whose advice differs: status change, adjustments added/removed, params changed, and the
    rules that cause it (rules that now fire, no longer fire, or were changed); then a summary.
    """
    base = open_ruleset(base_dir, knowledge_dir)
    head = open_ruleset(head_dir, head_knowledge_dir or knowledge_dir)
    click.echo(render_diff(diff_cohort(base, head, read_cohort(cohort)), fmt), nl=False)


@click.command("coverage")
@click.argument("cohort", type=click.Path(exists=True, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True)
@ruleset_options
@user_errors
def rules_coverage(cohort: Path, fmt: str, rules_dir: Path | None, knowledge_dir: Path | None) -> None:
    """How often each rule fires on a COHORT (folder of snapshots or JSON Lines), and which never do."""
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    click.echo(render_coverage(coverage(ruleset, read_cohort(cohort)), fmt), nl=False)
