"""Options and error handling shared by every `runstrong` command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from runstrong.advice.render import RENDERERS
from runstrong.rules.model import RuleSet
from runstrong.rules.ruleset import load_ruleset
from runstrong.util.errors import RuleSetError, UserError
from runstrong.util.paths import default_knowledge_dir, default_rules_dir

EXIT_USAGE = 2
EXIT_FAILURE = 1


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


def advice_format_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`-f/--format text|json|markdown` for commands that print a recommendation."""
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True, help=help_text
    )


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
        except OSError as error:  # a full disk, a read-only folder, a file that vanished...
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"runstrong: error: {where}{error.strerror or error}", err=True)
            sys.exit(EXIT_USAGE if error.filename else EXIT_FAILURE)

    return wrapper
