"""The audit log: one JSON line per decision, enough to re-run and check it later."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runstrong import __version__
from runstrong.snapshot.validation import Snapshot


def snapshot_digest(snapshot: Snapshot) -> str:
    """A digest of a snapshot's content, independent of key order."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def audit_record(snapshot: Snapshot, result: dict[str, Any], command: str) -> dict[str, Any]:
    """The line logged for one decision."""
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "runstrong": __version__,
        "ruleset": result["ruleset"],
        "snapshot_digest": snapshot_digest(snapshot),
        "snapshot": snapshot,
        "result": result,
    }


class AuditLog:
    """Appends decisions to a JSON Lines file; each line is written with one `write` call."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        text = "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in records)
        with self.path.open("a", encoding="utf-8") as log:
            log.write(text)
            log.flush()
            os.fsync(log.fileno())
