"""Opening segbot's SQLite database: one connection per thread, the schema migrated once.

A ``sqlite_utils.Database`` is one connection. SQLite connections belong to the thread that
opened them and Bolt runs listeners on a thread pool, so ``connect(path)`` hands each thread
(in each process) its own connection, opened at its first unit of work and kept for the next:
a job's dozen steps share one, instead of opening a dozen and re-checking the migrations each
time. The schema is brought up to date once per process and file. Every unit of work ends with
nothing pending: a block left by an error rolls back what it had not committed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from storage.migrate import migrate

BUSY_TIMEOUT_SECONDS = 10.0
DEFAULT_DB_PATH = Path("segbot.db")
KEPT_PER_THREAD = 4  # databases a thread keeps open (the bot uses one; tests use many)

FileKey = tuple[int, int]  # the database file's (device, inode): a file made anew is another
_thread = threading.local()
_migrated: set[tuple[int, str, FileKey]] = set()  # (process, path, file) brought up to date
_migrating = threading.Lock()


def open_db(path: str | Path, *, migrated: bool = False) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date
    (unless ``migrated`` says this process did already).

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
    if not migrated:
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
    """``with connect(path) as db:`` — this thread's connection to ``path`` for one unit of
    work; whatever the outermost block did not commit is rolled back when it ends (a block
    nested in another, on the same connection, leaves the outer one's work alone)."""
    db = _thread_connection(Path(path))
    depth = _thread.__dict__.setdefault("depth", {})
    depth[id(db)] = depth.get(id(db), 0) + 1
    try:
        yield db
    finally:
        depth[id(db)] -= 1
        if not depth[id(db)]:
            del depth[id(db)]
            if db.conn.in_transaction:
                db.conn.rollback()


def _thread_connection(path: Path) -> sqlite_utils.Database:
    """The connection this thread of this process keeps to ``path``'s file, opened (and the
    file migrated, once per process) when there is none yet or the file was made anew."""
    pid = os.getpid()
    if getattr(_thread, "pid", None) != pid:  # a forked child: the parent's are not its own
        _thread.pid, _thread.open = pid, OrderedDict()
    kept: OrderedDict[tuple[str, FileKey], sqlite_utils.Database] = _thread.open
    key = (str(path.absolute()), _file_key(path))
    db = kept.get(key)
    if db is not None:
        kept.move_to_end(key)
        return db
    with _migrating:  # two threads opening a new file: one migrates, the other waits
        # A file not there yet is always migrated, whatever this process saw at that path.
        db = open_db(path, migrated=key[1] != (0, 0) and (pid, *key) in _migrated)
        key = (key[0], _file_key(path))  # the file exists now
        _migrated.add((pid, *key))
    kept[key] = db
    in_use = _thread.__dict__.get("depth", {})
    idle = [key for key, other in kept.items() if id(other) not in in_use and other is not db]
    for key in idle[: max(0, len(kept) - KEPT_PER_THREAD)]:  # the least recently used first
        kept.pop(key).close()  # never one an enclosing block is still using
    return db


def _file_key(path: Path) -> FileKey:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0)  # not made yet
    return (stat.st_dev, stat.st_ino)


def data_dir(db_path: str | Path) -> Path:
    """The folder next to the database that holds its files: ``segbot.db`` -> ``segbot-data/``."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}-data")
