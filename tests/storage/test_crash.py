"""A process killed half-way through writing a run leaves no partial rows; recovery marks it failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import storage

ROOT = Path(__file__).resolve().parents[2]

# Starts a run, then dies inside finish_run's transaction after some assignments are in.
CHILD = """
import os, sys
import pandas as pd
import storage
import storage.runs
from storage.results import replace_assignments

db_path, dataset_id = sys.argv[1], int(sys.argv[2])
customers = pd.read_parquet(sys.argv[3])
summary = {"k": 3, "segments": [{"id": 0, "name": "All", "customers": len(customers),
           "revenue": 1.0, "share": 1.0, "revenue_share": 1.0, "median": {}}]}

def die_half_way(db, run_id, customers):
    replace_assignments(db, run_id, customers.iloc[: len(customers) // 2])
    os._exit(9)

storage.runs.replace_assignments = die_half_way
with storage.connect(db_path) as db:
    run_id = storage.start_run(db, dataset_id=dataset_id, team_id="T1", channel_id="C1",
                               trigger="upload", params={})
    print(run_id, flush=True)
    storage.finish_run(db, run_id, summary=summary, customers=customers, timings={})
"""


def test_killed_writer_leaves_no_partial_run(db_path, tmp_path, add_dataset, small_result):
    with storage.connect(db_path) as db:
        dataset_id = add_dataset(db)
    customers = tmp_path / "customers.parquet"
    small_result.customers.to_parquet(customers)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path), str(dataset_id), str(customers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 9, child.stderr
    run_id = int(child.stdout.split()[0])

    with storage.connect(db_path) as db:
        run = storage.run_for(db, run_id, team_id="T1", channel_id="C1")
        assert run["status"] == "running" and run["summary"] is None
        assert storage.segments_for(db, run_id, team_id="T1", channel_id="C1") == []
        assert db.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0
        assert storage.latest_run(db, "T1", "C1") is None

        assert storage.recover_interrupted_runs(db) == 1
        run = storage.run_for(db, run_id, team_id="T1", channel_id="C1")
        assert run["status"] == "failed" and run["error"].startswith("Interrupted")
        assert storage.recover_interrupted_runs(db) == 0


def test_recovery_leaves_runs_of_live_processes_alone(db, add_dataset):
    mine = storage.start_run(
        db, dataset_id=add_dataset(db), team_id="T1", channel_id="C1", trigger="cli", params={}
    )
    db.execute("UPDATE runs SET owner = NULL WHERE id = ?", (mine,))  # e.g. written by hand
    live = storage.queue_run(
        db, dataset_id=add_dataset(db), team_id="T1", channel_id="C1", trigger="cli", params={}
    )
    assert storage.recover_interrupted_runs(db) == 1
    assert storage.run_for(db, live, team_id="T1", channel_id="C1")["status"] == "queued"
    assert storage.run_for(db, mine, team_id="T1", channel_id="C1")["status"] == "failed"
