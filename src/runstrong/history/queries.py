"""Reads from the history database: what the snapshot builder and `history show` need."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from runstrong.history.windows import Run
from runstrong.util.errors import UserError


@dataclass(frozen=True)
class ActivitySpan:
    """The first and last day the athlete has any activity (any sport) on or before a date."""

    first: date | None
    last: date | None

    def covers(self, first_day: date) -> bool:
        """Known for a window from `first_day`: data from before it and some on or after it."""
        return self.first is not None and self.last is not None and self.first <= first_day <= self.last


def require_athlete(connection: sqlite3.Connection, athlete_id: str) -> None:
    if connection.execute("SELECT 1 FROM athletes WHERE id = ?", (athlete_id,)).fetchone() is None:
        known = [row[0] for row in connection.execute("SELECT id FROM athletes ORDER BY id LIMIT 20")]
        listed = f" (known: {', '.join(known)})" if known else " (the database has no athletes yet: import first)"
        raise UserError(f"--athlete: no athlete {athlete_id!r} in the history{listed}")


def athletes(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT a.id, (SELECT COUNT(*) FROM activities WHERE athlete_id = a.id) AS activities,"
        " (SELECT COUNT(*) FROM checkins WHERE athlete_id = a.id) AS checkins,"
        " (SELECT COUNT(*) FROM decisions WHERE athlete_id = a.id) AS decisions,"
        " (SELECT MAX(day) FROM activities WHERE athlete_id = a.id) AS last_activity"
        " FROM athletes a ORDER BY a.id"
    ).fetchall()


def runs(connection: sqlite3.Connection, athlete_id: str, since: date, until: date) -> list[Run]:
    rows = connection.execute(
        "SELECT day, start_utc, distance_m, cadence_spm FROM activities"
        " WHERE athlete_id = ? AND is_running = 1 AND day BETWEEN ? AND ? ORDER BY start_utc",
        (athlete_id, since.isoformat(), until.isoformat()),
    )
    return [
        Run(
            date.fromisoformat(r["day"]),
            datetime.fromisoformat(r["start_utc"]),
            r["distance_m"] / 1000,
            r["cadence_spm"],
        )
        for r in rows
    ]


def activity_span(connection: sqlite3.Connection, athlete_id: str, until: date) -> ActivitySpan:
    row = connection.execute(
        "SELECT MIN(day), MAX(day) FROM activities WHERE athlete_id = ? AND day <= ?", (athlete_id, until.isoformat())
    ).fetchone()
    return ActivitySpan(*(date.fromisoformat(v) if v else None for v in row))


def checkins(connection: sqlite3.Connection, athlete_id: str, since: date, until: date) -> dict[date, dict[str, Any]]:
    rows = connection.execute(
        "SELECT day, data FROM checkins WHERE athlete_id = ? AND day BETWEEN ? AND ? ORDER BY day",
        (athlete_id, since.isoformat(), until.isoformat()),
    )
    return {date.fromisoformat(r["day"]): json.loads(r["data"]) for r in rows}


def latest_part(connection: sqlite3.Connection, athlete_id: str, part: str, until: date) -> tuple[date, Any] | None:
    """The most recent check-in on or before `until` that gives `part` (profile, plan)."""
    row = connection.execute(
        "SELECT day, json_extract(data, '$.' || ?) AS part FROM checkins"
        " WHERE athlete_id = ? AND day <= ? AND json_extract(data, '$.' || ?) IS NOT NULL ORDER BY day DESC LIMIT 1",
        (part, athlete_id, until.isoformat(), part),
    ).fetchone()
    return None if row is None else (date.fromisoformat(row["day"]), json.loads(row["part"]))


def metric_series(
    connection: sqlite3.Connection, athlete_id: str, metric: str, until: date
) -> list[tuple[date, float]]:
    rows = connection.execute(
        "SELECT day, value FROM metrics WHERE athlete_id = ? AND metric = ? AND day <= ? ORDER BY day",
        (athlete_id, metric, until.isoformat()),
    )
    return [(date.fromisoformat(r["day"]), float(r["value"])) for r in rows]


def last_deload(connection: sqlite3.Connection, athlete_id: str, until: date) -> date | None:
    """The last day of a logged deload session, or of a check-in whose plan was in the deload phase."""
    row = connection.execute(
        "SELECT MAX(day) FROM (SELECT day FROM gym_sessions WHERE athlete_id = ? AND deload = 1 AND day <= ?"
        " UNION SELECT day FROM checkins WHERE athlete_id = ? AND day <= ?"
        " AND json_extract(data, '$.plan.phase') = 'deload')",
        (athlete_id, until.isoformat(), athlete_id, until.isoformat()),
    ).fetchone()
    return date.fromisoformat(row[0]) if row[0] else None


def decisions(connection: sqlite3.Connection, athlete_id: str) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT id, day, decided_at, status, ruleset_version, ruleset_digest, result FROM decisions"
        " WHERE athlete_id = ? ORDER BY day, id",
        (athlete_id,),
    ).fetchall()
