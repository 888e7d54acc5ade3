"""Turning one row into one outcome (a result line or an error line), with one engine per process."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from runstrong.advice.result import brief_result, build_result
from runstrong.audit.log import audit_record
from runstrong.batch.rows import Row, csv_line
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import validate_fast
from runstrong.util.errors import InvalidSnapshot, Problem

#: Allocations between two young-generation garbage collections in a batch worker.
YOUNG_COLLECTION_EVERY = 10_000
CSV_COLUMNS = ["athlete_id", "date", "status", "adjustments", "suppressed", "rules", "unknown"]
#: How much of each result a batch writes: `full` (what `recommend --format json` gives) or `summary`.
DETAILS = ("full", "summary")


@dataclass(frozen=True)
class Outcome:
    """What one row gave: an output line or an error line (encoded), and what to count in the
    summary."""

    text: bytes | None = None
    error: bytes | None = None
    record: dict[str, Any] | None = None  # the brief result, for a Parquet output
    status: str = ""
    adjustments: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    audit: dict[str, Any] | None = None


def _printable(text: str) -> str:
    """Text safe to write back: bytes that were not UTF-8 shown as `\\xNN`."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")[:100]


def _error_line(row: Row, problems: list[Any]) -> bytes:
    data = row.data if isinstance(row.data, dict) else {}
    athlete = data.get("athlete_id")
    record = {
        "source": row.source,
        "line": row.line,
        "athlete_id": _printable(athlete) if isinstance(athlete, str) else None,
        "problems": [{"where": p.where, "message": p.message} for p in problems],
    }
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def encode_line(result: dict[str, Any], sort_keys: bool = True) -> bytes:
    """One JSON Lines record: the result as compact JSON (UTF-8; keys sorted, or in the order
    the result gives them, as the brief result's adjustments are in the order given) and a
    newline."""
    option = orjson.OPT_APPEND_NEWLINE | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    return orjson.dumps(result, option=option)


#: What a spreadsheet would read as a formula at the start of a cell (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading `'`."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_result(result: dict[str, Any]) -> str:
    return csv_line(
        [
            _cell(result["athlete_id"]),
            _cell(result["date"]),
            result["status"],
            " ".join(rec["adjustment"] for rec in result["recommendations"]),
            " ".join(rec["adjustment"] for rec in result["suppressed"]),
            " ".join(fired["rule"] for fired in result["fired"]),
            " ".join(unknown["field"] for unknown in result["unknown"]),
        ]
    )


class RowEvaluator:
    """Turns rows into outcomes with one engine, built once (one per worker process, which it
    settles: what exists when it is built is frozen out of the garbage collector's walks, and
    young collections come less often).

    `fmt` is `jsonl`, `csv` or `parquet` (whose rows are written by the reading process, so the
    outcome carries the brief result as data); `detail` is `full` or `summary` (for JSON Lines).
    """

    def __init__(self, ruleset: RuleSet, fmt: str, audit: bool, detail: str = "full") -> None:
        self.ruleset = ruleset
        self.evaluator = Evaluator(ruleset)
        self.fmt = fmt
        self.audit = audit
        self.detail = detail
        self.brief = fmt == "parquet" or (fmt == "jsonl" and detail == "summary")
        # The rules, the network and the knowledge live as long as the process: moved out of the
        # garbage collector's sight, its full collections do not walk them again every few rows.
        gc.collect()
        gc.freeze()
        # A row allocates and frees thousands of objects, nearly all freed by reference counting:
        # a young-generation collection every 700 allocations (the default) cost 2.7 % of a
        # cohort's time, every 10,000 0.3 %. Garbage in cycles waits a little longer, never long.
        gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])

    def __call__(self, row: Row) -> Outcome:
        row = row.parsed()
        if row.problems:
            return Outcome(error=_error_line(row, list(row.problems)))
        try:
            snapshot = validate_fast(row.data)
        except InvalidSnapshot as error:
            return Outcome(error=_error_line(row, error.problems))
        try:
            evaluation = self.evaluator.evaluate(snapshot)
            full = build_result(self.ruleset, evaluation) if self.audit or not self.brief else None
            if self.brief:
                brief = brief_result(self.ruleset, evaluation)
                record, text = (brief, b"") if self.fmt == "parquet" else (None, encode_line(brief, sort_keys=False))
                status, adjustments = brief["status"], tuple(brief["adjustments"])
                rules = tuple(brief["fired"])
            else:
                assert full is not None
                record = None
                text = _csv_result(full).encode("utf-8") if self.fmt == "csv" else encode_line(full)
                status, adjustments = full["status"], tuple(rec["adjustment"] for rec in full["recommendations"])
                rules = tuple(fired["rule"] for fired in full["fired"])
        except Exception as error:
            return Outcome(error=_error_line(row, [Problem("(engine)", f"internal error: {error!r}")]))
        return Outcome(
            text=text,
            record=record,
            status=status,
            adjustments=adjustments,
            rules=rules,
            audit=audit_record(snapshot, full, "batch") if full is not None and self.audit else None,
        )

    def chunk(self, rows: list[Row]) -> list[Outcome]:
        return [self(row) for row in rows]


Mapper = Callable[[Iterator[list[Row]]], Iterator[list[Outcome]]]


def local_mapper(worker: RowEvaluator) -> Mapper:
    """Evaluate chunks in this process."""
    return lambda chunks: (worker.chunk(chunk) for chunk in chunks)
