"""`runstrong cohort report RESULTS`: what a batch found across a cohort.

Reads the results of `runstrong batch` as they stream (JSON Lines, full or `--detail summary`,
or Parquet) and counts the statuses, adjustments and rules; when the dates span more than one
ISO week, the share of athletes red, amber and green in each week; and the rules of the rule set
that never fired. Red, amber and green come from the status: `red` is red, `amber` and
`insufficient-data` (hold the load: not enough is known to progress) are amber, `green` is green;
an athlete with several results in one week counts once, with the worst of them.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrong.util.errors import Problem, UserError

STATUSES = ("green", "insufficient-data", "amber", "red")
COLOURS = ("green", "amber", "red")
#: The colour each status counts as in the weekly shares.
COLOUR_OF = {"green": "green", "insufficient-data": "amber", "amber": "amber", "red": "red"}


@dataclass(frozen=True)
class Outcome:
    """One athlete-date's result, as much as the report needs."""

    athlete_id: str
    date: str
    status: str
    adjustments: tuple[str, ...]
    rules: tuple[str, ...]
    digest: str


@dataclass
class CohortReport:
    """The counts across a cohort's results."""

    rows: int = 0
    status: Counter[str] = field(default_factory=Counter)
    adjustments: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    athletes: set[str] = field(default_factory=set)
    digests: Counter[str] = field(default_factory=Counter)
    #: ISO week (`2026-W45`) -> athlete -> the worst colour of the athlete's results that week.
    weeks: dict[str, dict[str, str]] = field(default_factory=dict)
    rule_ids: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.rows += 1
        self.status[outcome.status] += 1
        self.adjustments.update(outcome.adjustments)
        self.rules.update(set(outcome.rules))
        self.athletes.add(outcome.athlete_id)
        self.digests[outcome.digest] += 1
        year, week, _ = datetime.date.fromisoformat(outcome.date).isocalendar()
        athletes = self.weeks.setdefault(f"{year}-W{week:02d}", {})
        colour = COLOUR_OF.get(outcome.status, "amber")
        known = athletes.get(outcome.athlete_id)
        if known is None or COLOURS.index(colour) > COLOURS.index(known):
            athletes[outcome.athlete_id] = colour

    def weekly_shares(self) -> list[tuple[str, int, dict[str, float]]]:
        """(week, athletes, {colour: share}) for each week, in order; empty within one week."""
        if len(self.weeks) < 2:
            return []
        shares = []
        for week in sorted(self.weeks):
            colours = Counter(self.weeks[week].values())
            total = sum(colours.values())
            shares.append((week, total, {c: colours[c] / total for c in COLOURS}))
        return shares

    @property
    def never_fired(self) -> list[str]:
        return [rule for rule in self.rule_ids if not self.rules[rule]]


def _full_or_summary(data: dict[str, Any]) -> Outcome:
    if "recommendations" in data:  # a full result
        adjustments = tuple(rec["adjustment"] for rec in data["recommendations"])
        rules = tuple(fired["rule"] for fired in data["fired"])
        digest = data["ruleset"]["digest"]
    else:  # --detail summary
        adjustments, rules, digest = tuple(data["adjustments"]), tuple(data["fired"]), data["ruleset"]
    return Outcome(str(data["athlete_id"]), str(data["date"]), str(data["status"]), adjustments, rules, str(digest))


def _jsonl_outcomes(path: Path) -> Iterator[Outcome]:
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield _full_or_summary(json.loads(line))
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise UserError(
                    Problem(
                        f"{path}:{number}",
                        f"not a result of runstrong batch (JSON Lines, full or --detail summary): {error!r}",
                    )
                ) from None


def _parquet_outcomes(path: Path) -> Iterator[Outcome]:
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        raise UserError("reading Parquet needs the optional extra: pip install 'runstrong[parquet]'") from None
    try:
        batches = pq.ParquetFile(str(path)).iter_batches(
            batch_size=8192, columns=["athlete_id", "date", "status", "adjustments", "rules", "ruleset_digest"]
        )
        for batch in batches:
            for row in batch.to_pylist():
                yield Outcome(
                    row["athlete_id"],
                    row["date"].isoformat(),
                    row["status"],
                    tuple(row["adjustments"]),
                    tuple(row["rules"]),
                    row["ruleset_digest"],
                )
    except (OSError, ValueError, KeyError) as error:
        raise UserError(Problem(str(path), f"not a Parquet file of runstrong batch: {error}")) from None


def read_outcomes(path: Path) -> Iterator[Outcome]:
    """Every result in a results file (Parquet when its name ends in `.parquet`)."""
    if not path.is_file():
        raise UserError(Problem(str(path), "no such file"))
    return _parquet_outcomes(path) if path.suffix.lower() == ".parquet" else _jsonl_outcomes(path)


def cohort_report(paths: list[Path], rule_ids: list[str]) -> CohortReport:
    """The report over every result of the given files (`rule_ids`: the rule set's, in order)."""
    report = CohortReport(rule_ids=list(rule_ids))
    for path in paths:
        for outcome in read_outcomes(path):
            report.add(outcome)
    return report


def _counts(counter: Counter[str], order: list[str] | None = None) -> str:
    keys = order if order is not None else sorted(counter, key=lambda k: (-counter[k], k))
    return ", ".join(f"{key} {counter[key]}" for key in keys if counter[key]) or "-"


def render_text(report: CohortReport, digest: str) -> str:
    """The report as plain text."""
    lines = [
        f"results: {report.rows} for {len(report.athletes)} athletes over {len(report.weeks)} ISO weeks",
        "status: " + _counts(report.status, list(STATUSES)),
        "adjustments: " + _counts(report.adjustments),
        f"rules fired ({sum(1 for r in report.rules if report.rules[r])} rules; rows each fired on): "
        + _counts(report.rules),
    ]
    shares = report.weekly_shares()
    if shares:
        lines.append("athletes red / amber / green per ISO week (amber includes insufficient-data):")
        lines += [
            f"  {week}: {count} athletes, red {share['red']:.0%}, amber {share['amber']:.0%}, "
            f"green {share['green']:.0%}"
            for week, count, share in shares
        ]
    never = report.never_fired
    lines.append(f"rules that never fired ({len(never)} of {len(report.rule_ids)}): " + (" ".join(never) or "-"))
    others = sorted(d for d in report.digests if d != digest)
    if others:
        lines.append(
            f"note: {sum(report.digests[d] for d in others)} results came from another rule set "
            f"(digest {', '.join(others)}; this one is {digest}): 'never fired' is about this one"
        )
    return "\n".join(lines) + "\n"
