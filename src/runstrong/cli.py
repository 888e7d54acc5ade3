"""The `runstrong` command line."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from runstrong import __version__
from runstrong.atomic import write_atomically
from runstrong.audit import AuditLog, audit_record
from runstrong.engine import Evaluator
from runstrong.errors import RuleSetError, UserError
from runstrong.paths import default_knowledge_dir, default_rules_dir
from runstrong.reference import rule_reference
from runstrong.render import RENDERERS, render_rule
from runstrong.result import recommend as recommend_snapshot
from runstrong.ruleset import RuleSet, load_ruleset
from runstrong.snapshot import read_snapshot, snapshot_schema

EXIT_USAGE = 2


def ruleset_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--rules DIR` and `--knowledge DIR`, shared by every command that evaluates rules."""
    command = click.option(
        "--knowledge",
        "knowledge_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Knowledge base folder (default: the bundled one).",
    )(command)
    return click.option(
        "--rules",
        "rules_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Rule set folder (default: the bundled one).",
    )(command)


def audit_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--audit-log FILE`: append one JSON line per decision (see `runstrong audit verify`)."""
    return click.option(
        "--audit-log",
        "audit_log",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Append each decision (time, versions, snapshot, result) to this JSON Lines file.",
    )(command)


def open_ruleset(rules_dir: Path | None, knowledge_dir: Path | None, check_examples: bool = False) -> RuleSet:
    """Load the chosen (or bundled) rule set and knowledge base (examples are checked by `rules check`)."""
    rules = rules_dir or default_rules_dir()
    knowledge = knowledge_dir or default_knowledge_dir()
    for label, folder in (("--rules", rules), ("--knowledge", knowledge)):
        if not folder.is_dir():
            raise UserError(f"{label}: no such folder: {folder}")
    return load_ruleset(rules, knowledge, check_examples)


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Report a UserError on stderr, without a traceback, and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UserError as error:
            heading = "invalid rule set" if isinstance(error, RuleSetError) else "error"
            click.echo(f"runstrong: {heading}:", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="runstrong")
def cli() -> None:
    """Evidence-based gym strength advice for runners, without raising overuse-injury risk.

    Give it an athlete snapshot (YAML or JSON: soreness, tendon pain, sleep, running volume,
    the planned gym week...) and it tells you which training adjustments the rules give,
    why, and from which evidence.

    \b
    Start here:
      runstrong recommend examples/healthy-base-week4.yaml
      runstrong schema            the snapshot format, as JSON Schema
      runstrong rules list        the rules and what they are for

    Exit codes: 0 success, 2 invalid input or usage, 1 anything else.
    """


@cli.command()
@click.argument("snapshot", type=str)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(sorted(RENDERERS)),
    default="text",
    show_default=True,
    help="text for people, json for programs, markdown for notes.",
)
@audit_option
@ruleset_options
@user_errors
def recommend(
    snapshot: str, fmt: str, audit_log: Path | None, rules_dir: Path | None, knowledge_dir: Path | None
) -> None:
    """Give the training adjustments for one athlete SNAPSHOT (a YAML/JSON file, or - for stdin).

    Each adjustment comes with the rules that produced it, the evidence and its grade
    (S strong, C consensus, H heuristic) and the exercises it means. The status is red when a
    clinician referral fires, amber when any decrease fires, green otherwise. Missing data is
    unknown, never fine: progression is held until sleep and symptoms are known.
    """
    data = read_snapshot(snapshot)
    result = recommend_snapshot(Evaluator(open_ruleset(rules_dir, knowledge_dir)), data)
    if audit_log:
        AuditLog(audit_log).append([audit_record(data, result, "recommend")])
    click.echo(RENDERERS[fmt](result), nl=False)


@cli.command()
def schema() -> None:
    """Print the snapshot format (version 1) as JSON Schema."""
    click.echo(json.dumps(snapshot_schema(), indent=2, ensure_ascii=False))


@cli.group()
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


from runstrong.batch_cli import batch  # noqa: E402 - needs the decorators above
cli.add_command(batch)


from runstrong.consult_cli import consult  # noqa: E402

cli.add_command(consult)

from runstrong.cli_explain import register as register_explain  # noqa: E402 - needs the decorators above

register_explain(cli, rules)


def main() -> None:
    """Console entry point."""
    cli()
