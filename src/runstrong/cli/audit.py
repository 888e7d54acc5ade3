"""`runstrong audit verify`: check an audit log's hash chain and re-run its decisions."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from runstrong.audit.verify import render_checks, verify_log
from runstrong.cli.options import open_ruleset, ruleset_options, user_errors
from runstrong.engine.evaluator import Evaluator
from runstrong.util.errors import UserError


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
@click.option(
    "--head",
    metavar="HASH",
    default=None,
    help="The head printed by an earlier `audit verify` (the SHA-256 of the log's last line then): "
    "the log must still hold that line, so lines cut from its end or a changed last line are found.",
)
@ruleset_options
@user_errors
def audit_verify(
    log_file: Path,
    archives: tuple[Path, ...],
    fmt: str,
    head: str | None,
    rules_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Check the hash chain of FILE, re-run every decision logged in it and report the lines
    deleted, moved, repeated, changed or malformed, and the decisions that no longer reproduce.

    \b
    The log: one JSON object per line, keys sorted, each line ended by a newline:
      command, prev, result, ruleset {version, digest}, runstrong, snapshot,
      snapshot_digest, time
    prev is the SHA-256 (hex) of the previous line's bytes without its newline;
    the first line's is the SHA-256 of no bytes (e3b0c442...b855).

    The chain: each line's prev must be the hash of the line before it. A broken link is named
    with what the log shows: a line repeated (replayed), lines moved, a line changed or lines
    deleted before it, a last line cut short. Lines without prev (written before the chain) are
    reported as not chained: their order and completeness cannot be checked. A chain cannot show
    a change to its own end: note the head printed last and give it later with --head.

    The decisions: each line's snapshot is checked against its logged digest (a changed snapshot
    is reported), then re-run with the rule set the line names when it is the one given by
    --rules/--knowledge (default: the bundled one) or one of the --archive folders; otherwise
    with --rules, and the digest difference is said and the difference in advice shown. A line
    that is not JSON, not an object, or misses a field or has one of the wrong type is reported
    as a malformed line and the others are still checked.

    With -f json: a list, one object per line, with line, verdict, ok (the decision reproduces),
    details, advice, chain (linked, not chained or broken), chain_details and hash (the line's).

    Exits 1 when a link is broken, a line is malformed, the --head is missing or a decision does
    not reproduce; 0 when all is well; 2 when FILE cannot be read or is not UTF-8.
    """
    if head is not None and not re.fullmatch("[0-9a-fA-F]{64}", head):
        raise UserError(f"--head: not a SHA-256 in hex (64 hex digits): {head[:80]}")
    rulesets = [open_ruleset(rules_dir, knowledge_dir)]
    for folder in archives:
        if (folder / "rules").is_dir() and (folder / "knowledge").is_dir():
            rulesets.append(open_ruleset(folder / "rules", folder / "knowledge"))
        else:
            rulesets.append(open_ruleset(folder, knowledge_dir))
    verification = verify_log([Evaluator(ruleset) for ruleset in rulesets], log_file, head and head.lower())
    click.echo(render_checks(verification, fmt), nl=False)
    if verification.failed:
        sys.exit(1)
