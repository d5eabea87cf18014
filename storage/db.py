"""Opening segbot's SQLite database, and the helpers every storage function shares.

A ``sqlite_utils.Database`` is one connection. SQLite connections belong to the
thread that opened them and Bolt runs listeners on a thread pool, so each unit
of work opens its own with ``connect(path)`` and closes it when done.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from storage.migrations import migrate

BUSY_TIMEOUT_SECONDS = 10.0


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


def data_dir(path: str | Path) -> Path:
    """The folder next to the database that holds its files: ``segbot.db`` -> ``segbot-data/``."""
    path = Path(path)
    return path.with_name(f"{path.stem}-data")


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All writes inside the block commit together or not at all.

    ``BEGIN IMMEDIATE`` takes the write lock up front: a deferred transaction
    that reads first and writes later can fail at once with "database is
    locked" when another connection commits in between, without the busy
    timeout ever applying. Nested use becomes a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.conn.execute("COMMIT")


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string (how every timestamp is stored)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def to_json(value: Any) -> str | None:
    """Compact JSON text for a JSON column (None stays NULL)."""
    return None if value is None else json.dumps(value, separators=(",", ":"))


def from_json(text: str | None) -> Any:
    """The value of a JSON column (NULL -> None)."""
    return None if text is None else json.loads(text)


def one(db: sqlite_utils.Database, sql: str, params: tuple | dict = ()) -> dict | None:
    """The first row of a query as a dict, or None."""
    return next(db.query(sql, params), None)
