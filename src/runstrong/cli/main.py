"""The `runstrong` command line."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import click

from runstrong import __version__
from runstrong.advice.render import RENDERERS, render_rule
from runstrong.advice.result import recommend as recommend_snapshot
from runstrong.audit.log import AuditLog, audit_record
from runstrong.cli.options import advice_format_option, audit_option, open_ruleset, ruleset_options, user_errors
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.reference import rule_reference
from runstrong.snapshot.validation import read_snapshot, snapshot_schema
from runstrong.util.atomic import write_atomically
from runstrong.util.errors import UserError


class LazyGroup(click.Group):
    """A click group whose heavier commands are imported only when they run (click's documented pattern)."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            module, _, name = self.lazy_subcommands[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), name)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup,
    lazy_subcommands={
        "batch": "runstrong.cli.batch:batch",
        "consult": "runstrong.cli.consult:consult",
        "explain": "runstrong.cli.explain:explain",
        "audit": "runstrong.cli.explain:audit",
    },
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="runstrong")
def cli() -> None:
    """Evidence-based gym strength advice for runners, without raising overuse-injury risk.

    Give it an athlete snapshot (YAML or JSON: soreness, tendon pain, sleep, running volume,
    the planned gym week...) and it tells you which training adjustments the rules give,
    why, and from which evidence.

    \b
    Start here:
      runstrong recommend examples/healthy-base-week4.yaml
      runstrong explain examples/achilles-flare-up.yaml --audience coach
      runstrong consult            an interactive consultation
      runstrong batch athletes.jsonl -o results.jsonl
      runstrong schema             the snapshot format, as JSON Schema
      runstrong rules list         the rules and what they are for

    Exit codes: 0 success, 2 invalid input or usage, 3 batch rows in the error file,
    1 anything else.
    """


@cli.command()
@click.argument("snapshot", type=str)
@advice_format_option("text for people, json for programs, markdown for notes.")
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


@cli.group(
    cls=LazyGroup,
    lazy_subcommands={
        "diff": "runstrong.cli.explain:rules_diff",
        "coverage": "runstrong.cli.explain:rules_coverage",
    },
)
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


def main() -> None:
    """Console entry point."""
    cli()
