"""Writes to the history database, each in one transaction: athletes, imports, check-ins, sessions, decisions."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from runstrong.history.db import transaction
from runstrong.history.model import Activity
from runstrong.history.sport import is_running


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def ensure_athlete(connection: sqlite3.Connection, athlete_id: str) -> None:
    """Add the athlete if the database does not know them yet (inside the caller's transaction)."""
    connection.execute("INSERT OR IGNORE INTO athletes (id, created_at) VALUES (?, ?)", (athlete_id, _now()))


def activity_key(activity: Activity) -> str:
    """Sport and start second: the same activity from two files (FIT and Strava) is stored once."""
    return f"{activity.sport}@{activity.start_utc.astimezone(UTC):%Y-%m-%dT%H:%M:%S}"


def imported_before(connection: sqlite3.Connection, athlete_id: str, digest: str) -> bool:
    """This very file (by content hash) is already in the athlete's history."""
    row = connection.execute(
        "SELECT 1 FROM imports WHERE athlete_id = ? AND content_hash = ?", (athlete_id, digest)
    ).fetchone()
    return row is not None


def store_import(
    connection: sqlite3.Connection,
    athlete_id: str,
    source_name: str,
    kind: str,
    digest: str,
    activities: list[Activity],
) -> tuple[int, int] | None:
    """Store one file's activities: (new, already stored), or None when this very file was imported before."""
    with transaction(connection):
        ensure_athlete(connection, athlete_id)
        cursor = connection.execute(
            "INSERT OR IGNORE INTO imports (athlete_id, content_hash, source_name, kind, imported_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (athlete_id, digest, source_name, kind, _now()),
        )
        if cursor.rowcount == 0:
            return None
        import_id = cursor.lastrowid
        new = 0
        for activity in activities:
            start = activity.start_utc.astimezone(UTC)
            inserted = connection.execute(
                "INSERT OR IGNORE INTO activities (athlete_id, import_id, activity_key, sport, is_running, start_utc,"
                " day, distance_m, duration_s, cadence_spm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    athlete_id,
                    import_id,
                    activity_key(activity),
                    activity.sport,
                    int(is_running(activity.sport)),
                    start.isoformat(timespec="seconds"),
                    start.date().isoformat(),
                    activity.distance_m,
                    activity.duration_s,
                    activity.cadence_spm,
                ),
            )
            new += inserted.rowcount
        return new, len(activities) - new


def store_checkin(
    connection: sqlite3.Connection,
    athlete_id: str,
    day: date,
    data: dict[str, Any],
    metrics: dict[str, float],
    sessions: list[dict[str, Any]],
) -> None:
    """A day's check-in (replacing an earlier one for that day), its progress metrics and logged gym sessions."""
    with transaction(connection):
        ensure_athlete(connection, athlete_id)
        connection.execute(
            "INSERT OR REPLACE INTO checkins (athlete_id, day, data, recorded_at) VALUES (?, ?, ?, ?)",
            (athlete_id, day.isoformat(), json.dumps(data, sort_keys=True), _now()),
        )
        for metric, value in metrics.items():
            connection.execute(
                "INSERT OR REPLACE INTO metrics (athlete_id, day, metric, value) VALUES (?, ?, ?, ?)",
                (athlete_id, day.isoformat(), metric, value),
            )
        if sessions:
            connection.execute(
                "DELETE FROM gym_sessions WHERE athlete_id = ? AND day = ? AND status = 'logged'",
                (athlete_id, day.isoformat()),
            )
        for session in sessions:
            connection.execute(
                "INSERT INTO gym_sessions (athlete_id, day, status, intensity, muscle_groups, plyometric_contacts,"
                " deload) VALUES (?, ?, 'logged', ?, ?, ?, ?)",
                (
                    athlete_id,
                    day.isoformat(),
                    session.get("intensity"),
                    json.dumps(session.get("muscle_groups", [])),
                    session.get("plyometric_contacts"),
                    int(bool(session.get("deload", False))),
                ),
            )


def store_decision(
    connection: sqlite3.Connection, athlete_id: str, day: date, snapshot: dict[str, Any], result: dict[str, Any]
) -> int:
    """Keep a decision given (its result and rule-set digest), so it can be shown again; its id."""
    with transaction(connection):
        ensure_athlete(connection, athlete_id)
        cursor = connection.execute(
            "INSERT INTO decisions (athlete_id, day, decided_at, status, ruleset_version, ruleset_digest, snapshot,"
            " result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                athlete_id,
                day.isoformat(),
                _now(),
                str(result.get("status", "")),
                str(result.get("ruleset", {}).get("version", "")),
                str(result.get("ruleset", {}).get("digest", "")),
                json.dumps(snapshot, sort_keys=True),
                json.dumps(result, sort_keys=True),
            ),
        )
        return int(cursor.lastrowid or 0)
