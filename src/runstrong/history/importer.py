"""Import activity files into the history: each file on its own, a failing file named and the others kept."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from runstrong.history.fit import read_fit
from runstrong.history.gpx import read_gpx
from runstrong.history.model import Activity, ImportFailure, content_hash
from runstrong.history.store import imported_before, store_import
from runstrong.history.strava_csv import read_strava_csv
from runstrong.history.tcx import read_tcx

KINDS = {".fit": "fit", ".gpx": "gpx", ".tcx": "tcx", ".csv": "strava-csv"}


@dataclass
class FileOutcome:
    """What happened to one file: imported (new and already-stored activities), unchanged, or failed and why."""

    name: str
    status: str  # imported | unchanged | failed
    new: int = 0
    known: int = 0
    running: int = 0
    reason: str = ""
    row_problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed" or bool(self.row_problems)


def file_kind(path: Path, data: bytes) -> str:
    """The format, from the extension or else the content (a FIT header says `.FIT`)."""
    kind = KINDS.get(path.suffix.lower())
    if kind:
        return kind
    if data[8:12] == b".FIT":
        return "fit"
    head = data[:400].lstrip().lower()
    if b"<gpx" in head:
        return "gpx"
    if b"<trainingcenterdatabase" in head:
        return "tcx"
    raise ImportFailure(f"unknown file type {path.suffix or '(no extension)'}: expected .fit, .gpx, .tcx or .csv")


def parse_file(path: Path, data: bytes) -> tuple[str, list[Activity], list[str]]:
    """The kind, activities and row problems (CSV) of one file; ImportFailure if none can be read."""
    kind = file_kind(path, data)
    if kind == "strava-csv":
        read = read_strava_csv(data)
        return kind, read.activities, read.problems
    reader = {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}[kind]
    return kind, reader(data), []


def import_file(connection: sqlite3.Connection, athlete_id: str, path: Path) -> FileOutcome:
    """Read one file in full and store it in one transaction; nothing of a failing file is kept."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileOutcome(name, "failed", reason=error.strerror or str(error))
    digest = content_hash(data)
    if imported_before(connection, athlete_id, digest):
        return FileOutcome(name, "unchanged", reason="imported before (same content)")
    try:
        kind, activities, problems = parse_file(path, data)
    except ImportFailure as error:
        return FileOutcome(name, "failed", reason=str(error))
    stored = store_import(connection, athlete_id, path.name, kind, digest, activities)
    if stored is None:
        return FileOutcome(name, "unchanged", reason="imported before (same content)")
    running = sum(1 for activity in activities if activity.sport == "running")
    return FileOutcome(name, "imported", new=stored[0], known=stored[1], running=running, row_problems=problems)
