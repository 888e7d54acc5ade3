"""What an importer reads from a file: its activities, before they are stored."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Activity:
    """One activity, or one leg of a multisport file: sport, start (UTC), distance, time, cadence."""

    sport: str
    start_utc: datetime
    distance_m: float
    duration_s: float | None = None
    cadence_spm: float | None = None  # steps per minute (both feet)
    key: str = ""  # what makes it the same activity when a file is read again (set by the importer)


@dataclass(frozen=True)
class ParsedFile:
    """A file read in full: its kind (fit, gpx, tcx, strava-csv), content hash and activities."""

    kind: str
    content_hash: str
    activities: list[Activity]


class ImportFailure(Exception):
    """A file that cannot be imported (corrupt, truncated, not the format it claims), with the reason."""


def content_hash(data: bytes) -> str:
    """SHA-256 of a file's bytes: the same file imported again is recognised."""
    return hashlib.sha256(data).hexdigest()


def checked_distance(value: float | None, where: str) -> float:
    """A distance in metres that is a finite, non-negative number."""
    if value is None:
        return 0.0
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        raise ImportFailure(f"{where}: distance {value!r} is not a distance in metres")
    return number
