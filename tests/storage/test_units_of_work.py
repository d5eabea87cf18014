"""One connection per thread and database, the schema migrated once per process and file."""

from __future__ import annotations

import threading

import pytest

import storage
from storage import db as storage_db


def connection_of(path) -> object:
    with storage.connect(path) as db:
        return db.conn


def test_a_thread_keeps_one_connection_and_another_thread_has_its_own(tmp_path):
    path = tmp_path / "segbot.db"
    first = connection_of(path)
    assert connection_of(path) is first
    other: list[object] = []
    worker = threading.Thread(target=lambda: other.append(connection_of(path)))
    worker.start()
    worker.join()
    assert other[0] is not first


def test_migrations_run_once_per_process_and_file(tmp_path, monkeypatch):
    calls: list[str] = []
    real = storage_db.migrate
    monkeypatch.setattr(storage_db, "migrate", lambda db: (calls.append("m"), real(db)))
    path = tmp_path / "segbot.db"
    for _ in range(3):
        connection_of(path)
    worker = threading.Thread(target=connection_of, args=(path,))
    worker.start()
    worker.join()
    assert calls == ["m"]  # the second thread opened its own connection, not a migration
    assert "datasets" in storage.open_db(path).table_names()


def test_a_database_made_anew_at_the_same_path_is_opened_and_migrated_again(tmp_path):
    path = tmp_path / "segbot.db"
    with storage.connect(path) as db:
        db["datasets"].count  # noqa: B018 (a read)
        old = db.conn
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"segbot.db{suffix}").unlink(missing_ok=True)
    with storage.connect(path) as db:
        assert db.conn is not old
        assert "datasets" in db.table_names()


def test_a_block_that_fails_leaves_nothing_pending(tmp_path):
    path = tmp_path / "segbot.db"
    with pytest.raises(RuntimeError), storage.connect(path) as db:
        db.conn.execute("CREATE TABLE scratch (x)")
        db.conn.execute("INSERT INTO scratch VALUES (1)")
        raise RuntimeError("the work failed")
    with storage.connect(path) as db:
        assert not db.conn.in_transaction
        assert db.execute("SELECT count(*) FROM scratch").fetchone() == (0,)


def test_a_thread_keeps_only_a_few_databases_open(tmp_path):
    connections = [connection_of(tmp_path / f"{n}.db") for n in range(6)]
    assert connection_of(tmp_path / "5.db") is connections[5]
    assert connection_of(tmp_path / "0.db") is not connections[0]  # closed long ago, reopened


def test_a_nested_block_leaves_the_outer_blocks_work_alone(tmp_path):
    path = tmp_path / "segbot.db"
    with storage.connect(path) as outer:
        outer.conn.execute("CREATE TABLE scratch (x)")
        outer.conn.execute("INSERT INTO scratch VALUES (1)")  # pending, not committed yet
        with storage.connect(path) as inner:
            assert inner is outer
        assert outer.conn.in_transaction  # still the outer block's to commit
        outer.conn.commit()
    with storage.connect(path) as db:
        assert db.execute("SELECT count(*) FROM scratch").fetchone() == (1,)
