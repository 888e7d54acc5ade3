"""`runstrong batch --format parquet`: one row per athlete-date, written with pyarrow (the optional
extra `runstrong[parquet]`) in row groups, so memory stays flat however many rows there are.

Like the other outputs the file is written as `OUTPUT.part` and moved into place only when the
run is complete.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

from runstrong.util.errors import UserError

#: Rows held before they are written as one row group.
ROW_GROUP = 8192
COLUMNS = (
    "athlete_id",
    "date",
    "status",
    "adjustments",
    "params",
    "suppressed",
    "rules",
    "unknown",
    "ruleset_version",
    "ruleset_digest",
)


def _pyarrow() -> Any:
    try:
        import pyarrow  # type: ignore[import-untyped]
        import pyarrow.parquet  # type: ignore[import-untyped]
    except ImportError:
        raise UserError("--format parquet needs the optional extra: pip install 'runstrong[parquet]'") from None
    return pyarrow


def require_pyarrow() -> None:
    """Raise a UserError naming the extra when pyarrow is not installed."""
    _pyarrow()


def _schema(pa: Any) -> Any:
    return pa.schema(
        [
            ("athlete_id", pa.string()),
            ("date", pa.date32()),
            ("status", pa.string()),
            ("adjustments", pa.list_(pa.string())),
            ("params", pa.string()),
            ("suppressed", pa.list_(pa.string())),
            ("rules", pa.list_(pa.string())),
            ("unknown", pa.int32()),
            ("ruleset_version", pa.string()),
            ("ruleset_digest", pa.string()),
        ]
    )


def parquet_row(brief: dict[str, Any], version: str) -> dict[str, Any]:
    """A brief result (`advice.result.brief_result`) as one Parquet row: the adjustments as a
    list (in the order given), their params as JSON text (`{adjustment: {param: value}}`), and
    the rule set's `version`."""
    return {
        "athlete_id": brief["athlete_id"],
        "date": datetime.date.fromisoformat(brief["date"]),
        "status": brief["status"],
        "adjustments": list(brief["adjustments"]),
        "params": json.dumps(brief["adjustments"], sort_keys=True, ensure_ascii=False),
        "suppressed": list(brief["suppressed"]),
        "rules": list(brief["fired"]),
        "unknown": brief["unknown"],
        "ruleset_version": version,
        "ruleset_digest": brief["ruleset"],
    }


class ParquetPart:
    """A Parquet file written as `NAME.part`, a row group at a time, moved over NAME by `commit()`."""

    def __init__(self, target: Path, version: str, row_group: int | None = None) -> None:
        pa = self._pa = _pyarrow()
        self.version = version
        self.target = target
        self.part = target.with_name(target.name + ".part")
        self.row_group = row_group or ROW_GROUP
        self.schema = _schema(pa)
        self._rows: list[dict[str, Any]] = []
        self._writer = pa.parquet.ParquetWriter(str(self.part), self.schema, compression="zstd")
        self.written = 0

    def write(self, brief: dict[str, Any]) -> None:
        self._rows.append(parquet_row(brief, self.version))
        if len(self._rows) >= self.row_group:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self.schema))
            self.written += len(self._rows)
            self._rows = []

    def sync(self) -> int:
        """Write the rows held as a row group; return the rows written so far."""
        self._flush()
        return self.written

    def commit(self) -> None:
        """Write the last row group, close the file, make it durable and move it into place."""
        self._flush()
        self._writer.close()
        with open(self.part, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(self.part, self.target)

    def close(self) -> None:
        self._writer.close()
