"""Jobs in SQLite; a failing migration step leaves the file as it was; a full disk leaves no
``.part`` file behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

import storage
import storage.runs
from segmentation.summary import RunParams
from storage.migrations import MIGRATIONS

from .conftest import HERE

ROOT = Path(__file__).resolve().parents[2]


def job(job_id: str = "j1", **values: object) -> storage.JobRecord:
    fields = {"team_id": "T1", "channel_id": "C1", "user_id": "U1", "kind": "upload"}
    return storage.JobRecord(
        id=job_id, name="orders.csv", claim=f"file:T1:{job_id}", **fields | values
    )


def test_a_dead_processes_job_is_adopted_once_with_its_run_failed(
    db, db_path, add_dataset, monkeypatch
):
    dataset_id = add_dataset(db)
    assert storage.claim_event(db, "file:T1:j1")
    storage.add_job(db, job(thread_ts="1.1"))
    storage.add_job(db, job("j2"))
    storage.end_job(db, "j2", "done")
    with storage.record_run(db_path, HERE, dataset_id=dataset_id, trigger="upload",
                            params=RunParams()) as run:  # fmt: skip
        storage.link_job_run(db_path, "j1", run.run_id)
        assert storage.adopt_unfinished_jobs(db) == []  # its owner (this process) is alive
        monkeypatch.setattr(storage.runs, "PROCESS_TOKEN", "next-process")
        (adopted,) = storage.adopt_unfinished_jobs(db)
        assert storage.adopt_unfinished_jobs(db) == []  # adopted by the new owner: only once
        assert (adopted.id, adopted.thread_ts, adopted.run_id) == ("j1", "1.1", run.run_id)
        assert storage.run_status(db, run.run_id) == "running"
        storage.end_job(db, "j1", "failed", "Interrupted")
        storage.release_claim(db, adopted.claim)
        assert storage.run_status(db, run.run_id) == "failed"
        run.finished = True  # the block must not fail it again
    assert storage.job_for(db, "j1").state == "failed"
    assert storage.claim_event(db, "file:T1:j1")  # the file can be shared again


def test_a_failing_migration_step_leaves_the_file_unchanged(db_path, monkeypatch):
    with storage.connect(db_path) as db:
        before = (db.schema, [m.name for m in MIGRATIONS.applied(db)])

    def half_done(db: sqlite_utils.Database) -> None:
        db.execute("ALTER TABLE jobs ADD COLUMN note TEXT")
        db.execute("CREATE TABLE extra (id INTEGER PRIMARY KEY)")
        db.execute("INSERT INTO nowhere VALUES (1)")  # fails: no such table

    migrations = [*MIGRATIONS._migrations, MIGRATIONS._Migration("m999_broken", half_done)]
    monkeypatch.setattr(MIGRATIONS, "_migrations", migrations)
    with pytest.raises(Exception, match="nowhere"):
        storage.open_db(db_path)
    raw = sqlite_utils.Database(db_path)
    assert (raw.schema, [m.name for m in MIGRATIONS.applied(raw)]) == before
    assert not raw.conn.in_transaction


def test_a_new_file_whose_migration_fails_gets_no_tables(tmp_path, monkeypatch):
    def broken(db: sqlite_utils.Database) -> None:
        raise RuntimeError("step failed")

    migrations = [*MIGRATIONS._migrations, MIGRATIONS._Migration("m999_broken", broken)]
    monkeypatch.setattr(MIGRATIONS, "_migrations", migrations)
    with pytest.raises(RuntimeError):
        storage.open_db(tmp_path / "new.db")
    assert sqlite_utils.Database(tmp_path / "new.db").table_names() == []


# Stores a dataset with a file size limit below the transactions file: the write fails as on
# a full disk (EFBIG here, ENOSPC there), for real, in the operating system.
FULL = """
import resource, signal, sys
import storage
from segmentation.load import load_export
from segmentation.pipeline import segment_export

db_path, csv = sys.argv[1], sys.argv[2]
export = load_export(open(csv, "rb").read(), name="orders.csv")
summary = segment_export(export, k=3).summary
db = storage.open_db(db_path)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))
try:
    storage.save_dataset(db, storage.Scope("T1", "C1"), export.record, user_id="U1",
        transactions=export.transactions, summary=summary,
        data_dir=storage.data_dir(db_path))
except OSError as e:
    print(e.errno)
"""


def test_a_full_disk_leaves_no_partial_file(db_path, tmp_path, sample_csv_bytes):
    csv = tmp_path / "orders.csv"
    csv.write_bytes(sample_csv_bytes)
    child = subprocess.run(
        [sys.executable, "-c", FULL, str(db_path), str(csv)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == 0 and child.stdout.strip() == "27", child.stderr  # EFBIG
    assert list(storage.data_dir(db_path).rglob("*")) == [
        storage.data_dir(db_path) / "transactions"
    ]
    with storage.connect(db_path) as db:
        assert db["datasets"].count == 0


def test_partial_files_left_by_a_killed_writer_are_removed(tmp_path):
    folder = tmp_path / "transactions"
    folder.mkdir()
    (folder / "old.part").write_bytes(b"x")
    (folder / "kept.arrow").write_bytes(b"x")
    assert storage.remove_partial_files(tmp_path, idle_seconds=60) == 0  # may still be written
    assert storage.remove_partial_files(tmp_path, idle_seconds=0) == 1
    assert [p.name for p in folder.iterdir()] == ["kept.arrow"]
