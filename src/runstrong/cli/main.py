"""The `runstrong` command line."""

from __future__ import annotations

import importlib
import json
from typing import Any

import click

from runstrong import __version__
from runstrong.snapshot.validation import snapshot_schema


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
        "recommend": "runstrong.cli.recommend:recommend",
        "rules": "runstrong.cli.rules:rules",
        "batch": "runstrong.cli.batch:batch",
        "cohort": "runstrong.cli.cohort:cohort",
        "consult": "runstrong.cli.consult:consult",
        "explain": "runstrong.cli.explain:explain",
        "audit": "runstrong.cli.audit:audit",
        "plan": "runstrong.cli.plan:plan",
        "serve": "runstrong.cli.serve:serve",
        "history": "runstrong.cli.history:history",
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
      runstrong serve              the consultation and report in a browser, CDS Hooks
      runstrong batch athletes.jsonl -o results.jsonl
      runstrong schema             the snapshot format, as JSON Schema
      runstrong rules list         the rules and what they are for

    Exit codes: 0 success, 2 invalid input or usage, 3 batch rows in the error file,
    1 anything else.
    """


@cli.command()
def schema() -> None:
    """Print the snapshot format (version 1) as JSON Schema."""
    click.echo(json.dumps(snapshot_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    """Console entry point."""
    cli()
