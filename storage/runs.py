"""Runs: one segmentation of a dataset, from queued to done or failed.

A run's status, its segments and its per-customer assignments change together
in one transaction, so a reader never sees a 'done' run without its rows, or
rows of a run that is not done.
"""

from __future__ import annotations

import os
import socket
import uuid

import pandas as pd
import sqlite_utils

from storage.db import from_json, one, to_json, utc_now, write_transaction
from storage.results import replace_assignments, replace_segments

TRIGGERS = ("upload", "command", "schedule", "cli", "button")
UNFINISHED = "('queued', 'running')"  # SQL list of the statuses a run can still leave
JSON_COLUMNS = ("k_scores", "summary", "timings")
# Tells this process apart from an earlier one with the same pid (pid 1 in a restarted container).
PROCESS_TOKEN = uuid.uuid4().hex[:8]
INTERRUPTED = (
    "Interrupted: segbot stopped (restart or crash) before this run finished. Run it again."
)


def queue_run(
    db: sqlite_utils.Database,
    *,
    dataset_id: int,
    team_id: str,
    channel_id: str,
    trigger: str,
    params: dict,
    requested_by: str | None = None,
) -> int:
    """Record a run waiting for a worker; returns its id.

    ``params``: ``k`` (None = choose automatically), ``as_of`` (date or ISO
    text, None = day after the last purchase) and ``random_state``. Raises
    ValueError if the dataset is not this channel's.
    """
    return _insert_run(db, "queued", dataset_id, team_id, channel_id, trigger, params, requested_by)


def start_run(
    db: sqlite_utils.Database,
    *,
    dataset_id: int,
    team_id: str,
    channel_id: str,
    trigger: str,
    params: dict,
    requested_by: str | None = None,
) -> int:
    """Record a run that this process is starting now; returns its id (see ``queue_run``)."""
    return _insert_run(
        db, "running", dataset_id, team_id, channel_id, trigger, params, requested_by
    )


def mark_run_started(db: sqlite_utils.Database, run_id: int) -> bool:
    """A queued run is picked up by this process; False if it was no longer queued."""
    with write_transaction(db):
        cursor = db.conn.execute(
            "UPDATE runs SET status = 'running', started_at = ?, owner = ? "
            "WHERE id = ? AND status = 'queued'",
            (utc_now(), _owner(), run_id),
        )
    return cursor.rowcount == 1


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    *,
    summary: dict,
    customers: pd.DataFrame,
    timings: dict,
) -> None:
    """Store a finished run: its fields, segments and assignments in ONE transaction; status done.

    ``summary`` is ``SegmentationResult.to_dict()``; ``customers`` is indexed by
    customer_id with the four features, returns_value and segment. Raises
    ValueError if the run is not queued or running (e.g. already failed).
    """
    with write_transaction(db):
        cursor = db.conn.execute(
            "UPDATE runs SET status = 'done', error = NULL, k = ?, k_reason = ?, k_scores = ?, "
            "stability = ?, as_of = ?, summary = ?, timings = ?, finished_at = ? "
            f"WHERE id = ? AND status IN {UNFINISHED}",
            (
                summary.get("k"),
                summary.get("k_reason"),
                to_json(summary.get("k_scores")),
                summary.get("stability"),
                summary.get("as_of"),
                to_json(summary),
                to_json(timings),
                utc_now(),
                run_id,
            ),
        )
        if cursor.rowcount != 1:
            raise ValueError(f"Run {run_id} is not queued or running, so it cannot be finished.")
        replace_segments(db, run_id, summary.get("segments", []))
        replace_assignments(db, run_id, customers)


def fail_run(db: sqlite_utils.Database, run_id: int, error: str) -> bool:
    """Mark an unfinished run failed with ``error`` (shown to users); False if it had already ended."""
    with write_transaction(db):
        cursor = db.conn.execute(
            f"UPDATE runs SET status = 'failed', error = ?, finished_at = ? "
            f"WHERE id = ? AND status IN {UNFINISHED}",
            (error, utc_now(), run_id),
        )
    return cursor.rowcount == 1


def recover_interrupted_runs(db: sqlite_utils.Database) -> int:
    """Mark failed the runs a dead process left queued or running; returns how many. Call at start-up.

    A run belongs to the process that created or started it. Runs of a live
    process on this machine (another bot or a CLI run) are left alone; runs
    owned by another machine cannot be checked and are left too.
    """
    host = socket.gethostname()
    dead = [
        row["id"]
        for row in db.query(f"SELECT id, owner FROM runs WHERE status IN {UNFINISHED}")
        if _owner_is_dead(row["owner"], host)
    ]
    with write_transaction(db):
        for run_id in dead:
            db.conn.execute(
                f"UPDATE runs SET status = 'failed', error = ?, finished_at = ? "
                f"WHERE id = ? AND status IN {UNFINISHED}",
                (INTERRUPTED, utc_now(), run_id),
            )
    return len(dead)


def set_run_message(
    db: sqlite_utils.Database,
    run_id: int,
    *,
    channel_id: str,
    thread_ts: str | None,
    message_ts: str,
) -> bool:
    """Remember the Slack message a run reports to; False if the run is not in that channel."""
    with write_transaction(db):
        cursor = db.conn.execute(
            "UPDATE runs SET thread_ts = ?, message_ts = ? WHERE id = ? AND channel_id = ?",
            (thread_ts, message_ts, run_id, channel_id),
        )
    return cursor.rowcount == 1


def run_for(
    db: sqlite_utils.Database, run_id: int, *, team_id: str, channel_id: str
) -> dict | None:
    """One run of this channel (any status, JSON columns decoded), or None."""
    row = one(
        db,
        "SELECT * FROM runs WHERE id = ? AND team_id = ? AND channel_id = ?",
        (run_id, team_id, channel_id),
    )
    return _decoded(row)


def latest_run(db: sqlite_utils.Database, team_id: str, channel_id: str) -> dict | None:
    """The channel's most recent finished ('done') run, or None."""
    row = one(
        db,
        "SELECT * FROM runs WHERE team_id = ? AND channel_id = ? AND status = 'done' "
        "ORDER BY id DESC LIMIT 1",
        (team_id, channel_id),
    )
    return _decoded(row)


def runs_for(
    db: sqlite_utils.Database, team_id: str, channel_id: str, limit: int = 10
) -> list[dict]:
    """The channel's runs of any status, newest first, each with its dataset's file_name.

    The full ``summary`` is left out (it can be large); ``run_for`` has it.
    """
    rows = db.query(
        "SELECT runs.id, runs.dataset_id, runs.trigger, runs.status, runs.error, runs.param_k, "
        "runs.k, runs.stability, runs.as_of, runs.requested_by, runs.created_at, "
        "runs.finished_at, runs.thread_ts, runs.message_ts, datasets.file_name, datasets.customers "
        "FROM runs JOIN datasets ON datasets.id = runs.dataset_id "
        "WHERE runs.team_id = ? AND runs.channel_id = ? ORDER BY runs.id DESC LIMIT ?",
        (team_id, channel_id, limit),
    )
    return list(rows)


def _insert_run(
    db: sqlite_utils.Database,
    status: str,
    dataset_id: int,
    team_id: str,
    channel_id: str,
    trigger: str,
    params: dict,
    requested_by: str | None,
) -> int:
    if trigger not in TRIGGERS:
        raise ValueError(f"trigger must be one of {TRIGGERS}, not {trigger!r}")
    as_of = params.get("as_of")
    now = utc_now()
    with write_transaction(db):
        owned = one(
            db,
            "SELECT 1 AS ok FROM datasets WHERE id = ? AND team_id = ? AND channel_id = ?",
            (dataset_id, team_id, channel_id),
        )
        if owned is None:
            raise ValueError(f"Dataset {dataset_id} does not belong to this channel.")
        cursor = db.conn.execute(
            "INSERT INTO runs (dataset_id, team_id, channel_id, trigger, status, param_k, "
            "param_as_of, param_random_state, requested_by, owner, created_at, started_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                dataset_id,
                team_id,
                channel_id,
                trigger,
                status,
                params.get("k"),
                None if as_of is None else str(as_of),
                params.get("random_state"),
                requested_by,
                _owner(),
                now,
                now if status == "running" else None,
            ),
        )
    return cursor.lastrowid


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


def _decoded(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {**row, **{column: from_json(row[column]) for column in JSON_COLUMNS}}
