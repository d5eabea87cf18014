"""A process killed half-way through writing a run leaves no partial rows; recovery marks it failed."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import storage

from .conftest import HERE

ROOT = Path(__file__).resolve().parents[2]

# Records a run, then dies inside finish's transaction after some assignments are in.
CHILD = """
import os, pickle, sys
import storage
import storage.runs
from segmentation.summary import RunParams
from storage.results import replace_assignments

db_path, dataset_id = sys.argv[1], int(sys.argv[2])
with open(sys.argv[3], "rb") as file:
    result = pickle.load(file)

def die_half_way(db, run_id, customers):
    replace_assignments(db, run_id, customers.iloc[: len(customers) // 2])
    os._exit(9)

storage.runs.replace_assignments = die_half_way
with storage.record_run(db_path, storage.Scope("T1", "C1"), dataset_id=dataset_id,
                        trigger="upload", params=RunParams()) as run:
    print(run.run_id, flush=True)
    run.finish(result, {})
"""


def test_killed_writer_leaves_no_partial_run(db_path, tmp_path, add_dataset, small_result):
    with storage.connect(db_path) as db:
        dataset_id = add_dataset(db)
    result = tmp_path / "result.pickle"
    result.write_bytes(pickle.dumps(small_result))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path), str(dataset_id), str(result)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 9, child.stderr
    run_id = int(child.stdout.split()[0])

    with storage.connect(db_path) as db:
        run = storage.run_for(db, run_id, HERE)
        assert run.status == "running" and run.summary is None
        assert storage.segments_for(db, run_id, HERE) == ()
        assert db["assignments"].count == 0
        assert storage.latest_run(db, HERE) is None

        assert storage.recover_interrupted_runs(db) == 1
        run = storage.run_for(db, run_id, HERE)
        assert run.status == "failed" and run.error.startswith("Interrupted")
        assert storage.recover_interrupted_runs(db) == 0


def test_recovery_leaves_runs_of_live_processes_alone(db, open_run):
    with open_run(db) as live, open_run(db) as orphan:
        with db.conn:  # commit, so the recording connections can write
            db.execute("UPDATE runs SET owner = NULL WHERE id = ?", [orphan.run_id])
        assert storage.recover_interrupted_runs(db) == 1
        assert storage.run_for(db, live.run_id, HERE).status == "running"
        orphan_run = storage.run_for(db, orphan.run_id, HERE)
        assert orphan_run.status == "failed" and orphan_run.error.startswith("Interrupted")
    # Leaving the blocks unfinished fails the live run; the recovered one keeps its reason.
    assert storage.run_for(db, live.run_id, HERE).status == "failed"
    assert storage.run_for(db, orphan.run_id, HERE).error.startswith("Interrupted")
