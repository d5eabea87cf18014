"""Helpers every storage module shares: write transactions, single-statement claims, JSON columns."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils


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


def changed(db: sqlite_utils.Database, sql: str, params: tuple = ()) -> bool:
    """Run one write statement in its own transaction; True if it changed exactly one row.

    For claims (INSERT OR IGNORE, conditional UPDATE): SQLite runs a single statement
    atomically, so however many connections try at once exactly one sees ``True``.
    """
    with write_transaction(db):
        return db.conn.execute(sql, params).rowcount == 1


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string (how every timestamp is stored)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def to_json(value: Any) -> str | None:
    """Compact JSON text for a JSON column (None stays NULL)."""
    return None if value is None else json.dumps(value, separators=(",", ":"))


def from_json(text: str | None) -> Any:
    """The value of a JSON column (NULL -> None)."""
    return None if text is None else json.loads(text)


def first(rows: Iterable[dict]) -> dict | None:
    """The first row of ``rows_where``/``query`` results, or None."""
    return next(iter(rows), None)


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run ``;``-separated statements one at a time: sqlite3's executescript() commits
    first, which would end a migration's transaction half-way."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
