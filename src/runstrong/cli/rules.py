"""`runstrong rules`: check, list, show and document the rule set; what a change does to a cohort."""

from __future__ import annotations

from pathlib import Path

import click

from runstrong.advice.render import render_rule
from runstrong.cli.options import open_ruleset, ruleset_options, user_errors
from runstrong.rules.reference import rule_reference
from runstrong.util.atomic import write_atomically
from runstrong.util.errors import UserError

REPORT_FORMATS = ["text", "json", "markdown"]


@click.group()
def rules() -> None:
    """Check, list and show the rules."""


@rules.command("check")
@ruleset_options
@user_errors
def rules_check(rules_dir: Path | None, knowledge_dir: Path | None) -> None:
    """Load every rule and knowledge file and report every problem with its file and line.

    Checks field names, thresholds, adjustments, evidence keys, params, aliases and joins,
    duplicate ids, file names, conclusions no rule gives, salience order for negated
    conclusions, and that every rule has valid examples of both kinds. Exits 2 on any problem.
    """
    ruleset = open_ruleset(rules_dir, knowledge_dir, check_examples=True)
    click.echo(f"ok: {len(ruleset.rules)} rules, rule set {ruleset.version} ({ruleset.digest})")


@rules.command("list")
@ruleset_options
@user_errors
def rules_list(rules_dir: Path | None, knowledge_dir: Path | None) -> None:
    """List every rule: id, grade, title and the adjustments it gives."""
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    for rule in ruleset.rules:
        gives = ", ".join([*rule.adjustments, *(f"⇒{c}" for c in rule.conclusions)])
        click.echo(f"{rule.id}  [{rule.grade}]  {rule.title}  →  {gives}")


@rules.command("show")
@click.argument("rule_id")
@ruleset_options
@user_errors
def rules_show(rule_id: str, rules_dir: Path | None, knowledge_dir: Path | None) -> None:
    """Show one rule: conditions, actions, rationale, evidence and examples."""
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    try:
        rule = ruleset.rule(rule_id.upper())
    except KeyError:
        raise UserError(f"RULE_ID: no rule '{rule_id}' (see `runstrong rules list`)") from None
    click.echo(render_rule(ruleset, rule))


@rules.command("doc")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@ruleset_options
@user_errors
def rules_doc(output: Path | None, rules_dir: Path | None, knowledge_dir: Path | None) -> None:
    """Generate the Markdown rule reference (docs/rules.md) from the rule files."""
    text = rule_reference(open_ruleset(rules_dir, knowledge_dir))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)


@rules.command("diff")
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
    from runstrong.explain.impact import diff_cohort, read_cohort, render_diff

    base = open_ruleset(base_dir, knowledge_dir)
    head = open_ruleset(head_dir, head_knowledge_dir or knowledge_dir)
    click.echo(render_diff(diff_cohort(base, head, read_cohort(cohort)), fmt), nl=False)


@rules.command("coverage")
@click.argument("cohort", type=click.Path(exists=True, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True)
@ruleset_options
@user_errors
def rules_coverage(cohort: Path, fmt: str, rules_dir: Path | None, knowledge_dir: Path | None) -> None:
    """How often each rule fires on a COHORT (folder of snapshots or JSON Lines), and which never do."""
    from runstrong.explain.impact import coverage, read_cohort, render_coverage

    ruleset = open_ruleset(rules_dir, knowledge_dir)
    click.echo(render_coverage(coverage(ruleset, read_cohort(cohort)), fmt), nl=False)
