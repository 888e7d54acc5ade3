"""Opening the history database: where it lives, WAL, foreign keys, the schema brought up to date."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from runstrong.history.schema import migrate
from runstrong.util.errors import UserError

#: The environment variable that names the database when `--db` is not given.
DB_ENV = "RUNSTRONG_DB"


def default_db_path() -> Path:
    """`$RUNSTRONG_DB`, else `history.sqlite3` in the user's data folder (platformdirs)."""
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env)
    from platformdirs import user_data_path

    return user_data_path("runstrong", appauthor=False) / "history.sqlite3"


def connect(path: Path | None = None) -> sqlite3.Connection:
    """A connection with foreign keys on, WAL journaling and the schema at its latest version."""
    path = path or default_db_path()
    if path.is_dir():
        raise UserError(f"--db: {path} is a folder, not a database file")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = sqlite3.connect(path, isolation_level=None)  # transactions are explicit (see `transaction`)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA busy_timeout = 5000")
        migrate(connection)
    except sqlite3.DatabaseError as error:
        raise UserError(f"{path}: not a runstrong history database ({error})") from error
    return connection


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Everything inside is written together or not at all."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
