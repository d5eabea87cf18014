"""A database written by an older segbot is upgraded in place when opened."""

from __future__ import annotations

import sqlite3

import sqlite_utils

import storage
from storage.migrations import MIGRATIONS, migrate, schema_version


def make_v1_file(path) -> None:
    """A file as segbot's first schema wrote it, holding one finished run."""
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    assert migrate(db, target=1) == 1
    db.execute(
        "INSERT INTO datasets (id, team_id, channel_id, created_at, file_name, sha256, "
        "transactions_path) VALUES (1, 'T1', 'C1', '2024-01-01T00:00:00+00:00', 'old.csv', "
        "'abc', 'transactions/old.parquet')"
    )
    db.execute(
        "INSERT INTO runs (id, dataset_id, team_id, channel_id, trigger, status, k, summary, "
        "created_at) VALUES (7, 1, 'T1', 'C1', 'upload', 'done', 4, '{\"k\": 4}', "
        "'2024-01-01T00:00:00+00:00')"
    )
    db.close()


def test_v1_file_is_upgraded_and_keeps_its_data(db_path):
    make_v1_file(db_path)
    with storage.connect(db_path) as db:
        assert schema_version(db) == len(MIGRATIONS)
        versions = [r["version"] for r in db.query("SELECT version FROM schema_migrations")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
        run = storage.run_for(db, 7, team_id="T1", channel_id="C1")
        assert (run["k"], run["summary"], run["thread_ts"], run["message_ts"]) == (
            4,
            {"k": 4},
            None,
            None,
        )
        assert storage.set_run_message(db, 7, channel_id="C1", thread_ts=None, message_ts="1.2")
        assert storage.claim_event(db, "Ev1") and not storage.claim_event(db, "Ev1")
        assert storage.schedule_for(db, "T1", "C1") is None


def test_new_file_gets_every_migration_and_opening_again_changes_nothing(db_path):
    with storage.connect(db_path) as db:
        first = db.schema
        assert db.journal_mode == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with storage.connect(db_path) as db:
        assert db.schema == first
        assert schema_version(db) == len(MIGRATIONS)
