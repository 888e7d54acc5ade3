"""Turning one row into one outcome (a result line or an error line), with one engine per process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from runstrong.advice.result import build_result
from runstrong.audit.log import audit_record
from runstrong.batch.rows import Row, csv_line
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import validate_fast
from runstrong.util.errors import InvalidSnapshot, Problem

CSV_COLUMNS = ["athlete_id", "date", "status", "adjustments", "suppressed", "rules", "unknown"]


@dataclass(frozen=True)
class Outcome:
    """What one row gave: an output line or an error line (encoded), and what to count in the
    summary."""

    text: bytes | None = None
    error: bytes | None = None
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


def encode_line(result: dict[str, Any]) -> bytes:
    """One JSON Lines record: the result as compact JSON (UTF-8, keys sorted) and a newline."""
    return orjson.dumps(result, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


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
    """Turns rows into outcomes with one engine, built once (one per worker process)."""

    def __init__(self, ruleset: RuleSet, fmt: str, audit: bool) -> None:
        self.ruleset = ruleset
        self.evaluator = Evaluator(ruleset)
        self.fmt = fmt
        self.audit = audit

    def __call__(self, row: Row) -> Outcome:
        row = row.parsed()
        if row.problems:
            return Outcome(error=_error_line(row, list(row.problems)))
        try:
            snapshot = validate_fast(row.data)
        except InvalidSnapshot as error:
            return Outcome(error=_error_line(row, error.problems))
        try:
            result = build_result(self.ruleset, self.evaluator.evaluate(snapshot))
            text = _csv_result(result).encode("utf-8") if self.fmt == "csv" else encode_line(result)
        except Exception as error:
            return Outcome(error=_error_line(row, [Problem("(engine)", f"internal error: {error!r}")]))
        return Outcome(
            text=text,
            status=result["status"],
            adjustments=tuple(rec["adjustment"] for rec in result["recommendations"]),
            rules=tuple(fired["rule"] for fired in result["fired"]),
            audit=audit_record(snapshot, result, "batch") if self.audit else None,
        )

    def chunk(self, rows: list[Row]) -> list[Outcome]:
        return [self(row) for row in rows]


Mapper = Callable[[Iterator[list[Row]]], Iterator[list[Outcome]]]


def local_mapper(worker: RowEvaluator) -> Mapper:
    """Evaluate chunks in this process."""
    return lambda chunks: (worker.chunk(chunk) for chunk in chunks)
