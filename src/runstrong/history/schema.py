"""The database schema as numbered migrations, applied in order and recorded in `schema_version`."""

from __future__ import annotations

import sqlite3

from runstrong.util.errors import UserError

#: Each migration is applied once, in a transaction, and its number recorded.
MIGRATIONS: list[str] = [
    # 1: athletes, imported files, activities, check-ins, gym sessions, progress metrics, decisions
    """
    CREATE TABLE athletes (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
    );
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        athlete_id TEXT NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL,
        source_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (athlete_id, content_hash)
    );
    CREATE TABLE activities (
        id INTEGER PRIMARY KEY,
        athlete_id TEXT NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        activity_key TEXT NOT NULL,
        sport TEXT NOT NULL,
        is_running INTEGER NOT NULL CHECK (is_running IN (0, 1)),
        start_utc TEXT NOT NULL,
        day TEXT NOT NULL,
        distance_m REAL NOT NULL CHECK (distance_m >= 0),
        duration_s REAL CHECK (duration_s >= 0),
        cadence_spm REAL,
        UNIQUE (athlete_id, activity_key)
    );
    CREATE INDEX activities_by_day ON activities (athlete_id, day);
    CREATE TABLE checkins (
        athlete_id TEXT NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        data TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (athlete_id, day)
    );
    CREATE TABLE gym_sessions (
        id INTEGER PRIMARY KEY,
        athlete_id TEXT NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('planned', 'logged')),
        intensity TEXT,
        muscle_groups TEXT NOT NULL,
        plyometric_contacts INTEGER,
        deload INTEGER NOT NULL CHECK (deload IN (0, 1))
    );
    CREATE INDEX gym_by_day ON gym_sessions (athlete_id, day);
    CREATE TABLE metrics (
        athlete_id TEXT NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        metric TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (athlete_id, day, metric)
    );
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        athlete_id TEXT NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        status TEXT NOT NULL,
        ruleset_version TEXT NOT NULL,
        ruleset_digest TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE INDEX decisions_by_day ON decisions (athlete_id, day);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def current_version(connection: sqlite3.Connection) -> int:
    """The schema version the database is at (0 for a new file)."""
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(connection: sqlite3.Connection) -> int:
    """Apply the migrations the database lacks, each in its own transaction; the version reached."""
    version = current_version(connection)
    if version > SCHEMA_VERSION:
        raise UserError(
            f"the history database is at schema version {version}, newer than this runstrong ({SCHEMA_VERSION}): "
            "upgrade runstrong"
        )
    for number in range(version + 1, SCHEMA_VERSION + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, datetime('now'))", (number,)
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    return SCHEMA_VERSION
