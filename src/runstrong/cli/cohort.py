"""The `runstrong cohort` commands: what a batch's results say about a cohort."""

from __future__ import annotations

from pathlib import Path

import click

from runstrong.cli.options import open_ruleset, ruleset_options, user_errors


@click.group()
def cohort() -> None:
    """Reports over the results of `runstrong batch` for a whole cohort."""


@cohort.command()
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the report as one HTML page with charts (needs runstrong[plots]).",
)
@ruleset_options
@user_errors
def report(
    results: tuple[Path, ...], html_path: Path | None, rules_dir: Path | None, knowledge_dir: Path | None
) -> None:
    """Count the statuses, adjustments and rules in RESULTS (what `runstrong batch` wrote: JSON
    Lines, full or --detail summary, or .parquet), the share of athletes red / amber / green per
    ISO week when the dates span weeks, and the rules of the rule set that never fired.

    \b
    runstrong batch cohort.jsonl -o results.jsonl --detail summary
    runstrong cohort report results.jsonl --html cohort.html
    """
    from runstrong.batch.cohort import cohort_report, render_text
    from runstrong.util.atomic import write_atomically
    from runstrong.util.errors import Problem, UserError

    if html_path is not None:
        if not html_path.parent.is_dir():
            raise UserError(Problem("--html", f"no such folder: {html_path.parent}"))
        if html_path.resolve() in {path.resolve() for path in results}:
            raise UserError(Problem("--html", f"{html_path} is one of the results; give another name"))
        from runstrong.batch.cohort_html import require_matplotlib

        require_matplotlib()  # refuse at once, before reading anything
    ruleset = open_ruleset(rules_dir, knowledge_dir)
    found = cohort_report(list(results), [rule.id for rule in ruleset.rules])
    text = render_text(found, ruleset.digest)
    click.echo(text, nl=False)
    if html_path is not None:
        from runstrong.batch.cohort_html import render_html

        write_atomically(html_path, render_html(found, text))
        click.echo(f"HTML report: {html_path}")
