"""`runstrong audit verify`: re-run logged decisions and report those that no longer reproduce."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from runstrong.audit.verify import OK, render_checks, verify_log
from runstrong.cli.options import open_ruleset, ruleset_options, user_errors
from runstrong.engine.evaluator import Evaluator


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
