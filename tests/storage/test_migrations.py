"""A database written before sqlite-migrate is upgraded in place when opened; new files get every step."""

from __future__ import annotations

import json
import sqlite3

import sqlite_utils

import storage
from storage.migrations import (
    LEGACY_NAMES,
    LEGACY_TABLE,
    MIGRATIONS,
    m001_initial,
    m002_slack_messages_and_events,
    m003_schedules,
)

from .conftest import HERE

LEGACY_STEPS = (m001_initial, m002_slack_messages_and_events, m003_schedules)
# Every step, in order: what an empty database has pending.
ALL_STEPS = [m.name for m in MIGRATIONS.pending(sqlite_utils.Database(memory=True))]


def make_legacy_file(path, versions: int, summary: dict) -> None:
    """A file as the earlier runner wrote it: steps 1..versions, numbered in schema_migrations.

    It holds one finished run (with the Slack message columns set when step 2 is in).
    """
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    db.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for version, step in enumerate(LEGACY_STEPS[:versions], start=1):
        step(db)
        db.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2024-01-01 00:00:00')",
            (version, step.__name__),
        )
    db["datasets"].insert(
        {
            "id": 1,
            "team_id": "T1",
            "channel_id": "C1",
            "created_at": "2024-01-01T00:00:00+00:00",
            "file_name": "old.csv",
            "sha256": "abc",
            "transactions_path": "transactions/old.parquet",
        }
    )
    run = {
        "id": 7,
        "dataset_id": 1,
        "team_id": "T1",
        "channel_id": "C1",
        "trigger": "upload",
        "status": "done",
        "k": summary["k"],
        "summary": json.dumps(summary),
        "created_at": "2024-01-01T00:00:00+00:00",
    }
    if versions >= 2:
        run |= {"thread_ts": "1.1", "message_ts": "1.2"}
    db["runs"].insert(run)
    db.conn.commit()
    db.close()


def applied(db) -> dict[str, str]:
    return {m.name: m.applied_at for m in MIGRATIONS.applied(db)}


def test_legacy_file_is_taken_over_without_rerunning_its_steps(db_path, small_result):
    make_legacy_file(db_path, 3, small_result.summary.to_json())
    with storage.connect(db_path) as db:
        steps = applied(db)
        # Step 1 again would have failed on the existing tables; the old dates are kept.
        assert [steps[name] for name in LEGACY_NAMES] == ["2024-01-01 00:00:00"] * 3
        assert list(steps) == ALL_STEPS
        assert not db[LEGACY_TABLE].exists()
        assert {"thread_ts", "message_ts"}.isdisjoint(db["runs"].columns_dict)
        run = storage.run_for(db, 7, HERE)
        assert (run.k, run.summary, run.file_name) == (3, small_result.summary, "old.csv")
        assert storage.claim_event(db, "Ev1") and not storage.claim_event(db, "Ev1")
        assert storage.schedule_for(db, HERE) is None


def test_file_of_the_first_schema_gets_the_later_steps(db_path, small_result):
    make_legacy_file(db_path, 1, small_result.summary.to_json())
    with storage.connect(db_path) as db:
        steps = applied(db)
        assert steps["m001_initial"] == "2024-01-01 00:00:00"
        assert steps["m002_slack_messages_and_events"] != "2024-01-01 00:00:00"
        assert list(steps) == ALL_STEPS
        assert storage.run_for(db, 7, HERE).summary == small_result.summary
        assert "thread_ts" not in db["runs"].columns_dict


def test_new_file_gets_every_migration_and_opening_again_changes_nothing(db_path):
    with storage.connect(db_path) as db:
        first = db.schema
        steps = applied(db)
        assert list(steps) == ALL_STEPS
        assert db.journal_mode == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with storage.connect(db_path) as db:
        assert db.schema == first
        assert applied(db) == steps
