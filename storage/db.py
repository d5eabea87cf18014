"""Opening segbot's SQLite database: one connection per unit of work, schema brought up to date.

A ``sqlite_utils.Database`` is one connection. SQLite connections belong to the
thread that opened them and Bolt runs listeners on a thread pool, so each unit
of work opens its own with ``connect(path)`` and closes it when done.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from storage.migrate import migrate

BUSY_TIMEOUT_SECONDS = 10.0
DEFAULT_DB_PATH = Path("segbot.db")


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    WAL lets readers carry on while one writer commits; foreign keys are
    enforced; a writer waits up to 10 s for another's lock instead of failing.
    The caller closes it (or uses ``connect``).
    """
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    db.execute("PRAGMA foreign_keys = ON")
    _enable_wal(db)
    # In WAL mode NORMAL is still safe against a crashed process (only a power
    # cut can lose the last commits) and saves an fsync per transaction.
    db.execute("PRAGMA synchronous = NORMAL")
    migrate(db)
    return db


def _enable_wal(db: sqlite_utils.Database) -> None:
    # Switching a new file to WAL needs an exclusive lock and SQLite does not wait on the
    # busy timeout for it: threads opening a fresh database together get "database is
    # locked" at once. The mode is stored in the file, so retrying until one wins is enough.
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextlib.contextmanager
def connect(path: str | Path) -> Iterator[sqlite_utils.Database]:
    """``with connect(path) as db:`` — a connection for one unit of work, closed afterwards."""
    db = open_db(path)
    try:
        yield db
    finally:
        db.close()


def data_dir(db_path: str | Path) -> Path:
    """The folder next to the database that holds its files: ``segbot.db`` -> ``segbot-data/``."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}-data")
