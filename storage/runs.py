"""Recording runs: ``record_run`` takes a run from 'running' to 'done' or 'failed'.

A run's status, its segments and its per-customer assignments change together
in one transaction, so a reader never sees a 'done' run without its rows, or
rows of a run that is not done. A run belongs to the process that recorded it;
``recover_interrupted_runs`` fails the runs of processes that are gone.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import sqlite_utils

from segmentation.result import SegmentationResult
from segmentation.summary import RunParams
from storage.db import connect
from storage.fingerprints import data_fingerprint
from storage.records import Scope
from storage.results import replace_assignments, replace_segments
from storage.sql import changed, to_json, utc_now, write_transaction

TRIGGERS = ("upload", "command", "schedule", "cli", "button")
# 'queued' is no longer written, but files from earlier versions may hold such runs.
UNFINISHED = "('queued', 'running')"
# Tells this process apart from an earlier one with the same pid (pid 1 in a restarted container).
PROCESS_TOKEN = uuid.uuid4().hex[:8]
INTERRUPTED = (
    "Interrupted: segbot stopped (restart or crash) before this run finished. Run it again."
)
NOT_FINISHED = "The run ended without a result."


class RunRecording:
    """The run a ``record_run`` block is recording: its ``run_id``, and ``finish`` to store it."""

    def __init__(self, db: sqlite_utils.Database, run_id: int) -> None:
        self.run_id = run_id
        self.finished = False
        self._db = db

    def finish(self, result: SegmentationResult, timings: Mapping[str, float]) -> None:
        """Store the result (run fields, segments, assignments in ONE transaction); status done.

        ``timings`` (step -> seconds) is kept with the run. Raises ValueError if the
        run is no longer running (finished already, or failed by recovery).
        """
        _store_result(self._db, self.run_id, result, timings)
        self.finished = True


@contextlib.contextmanager
def record_run(
    db_path: str | Path,
    scope: Scope,
    *,
    dataset_id: int,
    trigger: str,
    params: RunParams,
    requested_by: str | None = None,
) -> Iterator[RunRecording]:
    """``with record_run(...) as run:`` records a 'running' run now and yields it.

    Call ``run.finish(result, timings)`` inside the block. An exception inside the block
    marks the run failed with ``str(error)`` (its class name if that is empty) and propagates; leaving the block without
    finishing marks it failed too. ``trigger`` is one of ``TRIGGERS``. Raises ValueError
    (before the block runs) for an unknown trigger or a dataset that is not this scope's.
    The block holds one connection, opened on ``db_path``, for the run's writes: like any
    SQLite connection it belongs to the thread that entered the block, which calls ``finish``.
    """
    with connect(db_path) as db:
        recording = RunRecording(
            db, _insert_run(db, scope, dataset_id, trigger, params, requested_by)
        )
        try:
            yield recording
        except BaseException as error:
            _fail(db, recording.run_id, str(error) or type(error).__name__)
            raise
        if not recording.finished:
            _fail(db, recording.run_id, NOT_FINISHED)


def recover_interrupted_runs(db: sqlite_utils.Database) -> int:
    """Mark failed the runs a dead process left unfinished; returns how many. Call at start-up.

    Runs of a live process on this machine (another bot or a CLI run) are left
    alone; runs owned by another machine cannot be checked and are left too.
    """
    host = socket.gethostname()
    unfinished = db["runs"].rows_where(f"status IN {UNFINISHED}", select="id, owner")
    dead = [row["id"] for row in unfinished if _owner_is_dead(row["owner"], host)]
    with write_transaction(db):
        for run_id in dead:
            _fail(db, run_id, INTERRUPTED)
    return len(dead)


def _insert_run(
    db: sqlite_utils.Database,
    scope: Scope,
    dataset_id: int,
    trigger: str,
    params: RunParams,
    requested_by: str | None,
) -> int:
    if trigger not in TRIGGERS:
        raise ValueError(f"trigger must be one of {TRIGGERS}, not {trigger!r}")
    now = utc_now()
    with write_transaction(db):
        owned = db["datasets"].count_where(
            "id = ? AND team_id = ? AND channel_id = ?",
            [dataset_id, scope.team_id, scope.channel_id],
        )
        if not owned:
            raise ValueError(f"Dataset {dataset_id} does not belong to this channel.")
        runs = db["runs"].insert(
            {
                "dataset_id": dataset_id,
                "team_id": scope.team_id,
                "channel_id": scope.channel_id,
                "trigger": trigger,
                "status": "running",
                "param_k": params.k,
                "param_as_of": None if params.as_of is None else params.as_of.isoformat(),
                "param_random_state": params.random_state,
                "requested_by": requested_by,
                "owner": _owner(),
                "created_at": now,
                "started_at": now,
            }
        )
    return runs.last_rowid


def _store_result(
    db: sqlite_utils.Database,
    run_id: int,
    result: SegmentationResult,
    timings: Mapping[str, float],
) -> None:
    summary = result.summary
    with write_transaction(db):
        # One conditional UPDATE, not table.update: the status check and the write must be
        # one statement, so a run that recovery has just failed is never turned 'done'.
        cursor = db.conn.execute(
            "UPDATE runs SET status = 'done', error = NULL, k = ?, k_reason = ?, k_scores = ?, "
            "stability = ?, as_of = ?, summary = ?, timings = ?, finished_at = ?, fingerprint = ? "
            f"WHERE id = ? AND status IN {UNFINISHED}",
            (
                summary.k,
                summary.k_reason,
                to_json([score.to_json() for score in summary.k_scores]),
                summary.stability,
                summary.as_of.isoformat(),
                to_json(summary.to_json()),
                to_json(dict(timings)),
                utc_now(),
                data_fingerprint(result),
                run_id,
            ),
        )
        if cursor.rowcount != 1:
            raise ValueError(f"Run {run_id} is not running, so it cannot be finished.")
        replace_segments(db, run_id, summary.segments)
        replace_assignments(db, run_id, result.customers)


def _fail(db: sqlite_utils.Database, run_id: int, error: str) -> bool:
    """Mark an unfinished run failed with ``error`` (shown to users); False if it had ended."""
    return changed(
        db,
        f"UPDATE runs SET status = 'failed', error = ?, finished_at = ? "
        f"WHERE id = ? AND status IN {UNFINISHED}",
        (error, utc_now(), run_id),
    )


def _owner() -> str:
    """Which process is responsible for a run: ``host:pid:token``."""
    return f"{socket.gethostname()}:{os.getpid()}:{PROCESS_TOKEN}"


def _owner_is_dead(owner: str | None, host: str) -> bool:
    """True when the owner was a process on this machine that is gone."""
    parts = (owner or "").rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return True
    owner_host, pid, token = parts
    if owner_host != host:
        return False
    if int(pid) == os.getpid():
        return token != PROCESS_TOKEN
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by another user
    return False
