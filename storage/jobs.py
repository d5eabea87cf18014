"""Jobs: each upload or re-run the bot took on, recorded before any work until the user is told.

A job remembers where to answer (channel, thread, status message), what it works on (file id,
the ``file:TEAM:FILE`` claim) and how far it got: queued → running → posting → done | failed.
The worker links the run it records (``link_job_run``), so a run stored by a process that died
before posting it can still be posted. A job belongs to the bot process that recorded it; at
start-up the bot adopts the unfinished jobs of processes that are gone (``adopt_unfinished_jobs``).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, fields
from pathlib import Path

import sqlite_utils

from storage.db import connect
from storage.runs import _owner, _owner_is_dead
from storage.sql import changed, first, utc_now, write_transaction

KINDS = ("upload", "run")
STATES = ("queued", "running", "posting", "done", "failed")
UNFINISHED = ("queued", "running", "posting")
UPDATABLE = {"state", "status_ts", "error"}


@dataclass(frozen=True, kw_only=True)
class JobRecord:
    """One job: ``id`` is the task's job id; ``claim`` the event key that keeps it unique."""

    id: str
    team_id: str
    channel_id: str
    user_id: str | None
    kind: str
    name: str
    size: int | None = None
    thread_ts: str | None = None
    status_ts: str | None = None
    file_id: str | None = None
    claim: str | None = None
    state: str = "queued"
    run_id: int | None = None
    error: str | None = None


COLUMNS = ", ".join(f.name for f in fields(JobRecord))


def add_job(db: sqlite_utils.Database, job: JobRecord) -> None:
    """Record ``job`` (owned by this process) before any work on it starts."""
    if job.kind not in KINDS or job.state not in STATES:
        raise ValueError(f"bad job kind or state: {job.kind!r}, {job.state!r}")
    now = utc_now()
    row = {f.name: getattr(job, f.name) for f in fields(JobRecord)}
    with write_transaction(db):
        db["jobs"].insert({**row, "owner": _owner(), "created_at": now, "updated_at": now})


def job_for(db: sqlite_utils.Database, job_id: str) -> JobRecord | None:
    row = first(db["jobs"].rows_where("id = ?", [job_id], select=COLUMNS))
    return None if row is None else JobRecord(**row)


def update_job(db: sqlite_utils.Database, job_id: str, **values: str | None) -> None:
    """Set the job's ``state``, ``status_ts`` or ``error``."""
    if not set(values) <= UPDATABLE or values.get("state", "queued") not in STATES:
        raise ValueError(f"cannot set {values!r} on a job")
    assignments = ", ".join(f"{name} = ?" for name in values)
    with write_transaction(db):
        db.conn.execute(
            f"UPDATE jobs SET {assignments}, updated_at = ? WHERE id = ?",
            (*values.values(), utc_now(), job_id),
        )


def link_job_run(db_path: str | Path, job_id: str, run_id: int) -> None:
    """The worker says which run it is recording for ``job_id`` (no-op for jobs not recorded)."""
    with connect(db_path) as db, write_transaction(db):
        db.conn.execute(
            "UPDATE jobs SET run_id = ?, updated_at = ? WHERE id = ?", (run_id, utc_now(), job_id)
        )


def end_job(db: sqlite_utils.Database, job_id: str, state: str, error: str | None = None) -> None:
    """Mark the job ``done`` or ``failed``; a failed job's unfinished run is failed with it."""
    if state not in ("done", "failed"):
        raise ValueError(f"a job ends done or failed, not {state!r}")
    now = utc_now()
    with write_transaction(db):
        db.conn.execute(
            "UPDATE jobs SET state = ?, error = ?, updated_at = ? WHERE id = ?",
            (state, error, now, job_id),
        )
        if state == "failed":
            db.conn.execute(
                "UPDATE runs SET status = 'failed', error = ?, finished_at = ? "
                "WHERE id = (SELECT run_id FROM jobs WHERE id = ?) "
                "AND status IN ('queued', 'running')",
                (error or "The job failed.", now, job_id),
            )


def release_claim(db: sqlite_utils.Database, key: str | None) -> None:
    """Forget a claim (e.g. ``file:TEAM:FILE``) so sharing the file again starts a new job."""
    if key:
        with write_transaction(db):
            db.conn.execute("DELETE FROM processed_events WHERE key = ?", (key,))


def adopt_unfinished_jobs(db: sqlite_utils.Database) -> list[JobRecord]:
    """The unfinished jobs of bot processes that are gone, now owned by this one (oldest first).

    Each is taken over with one conditional UPDATE, so two bots starting together never both
    adopt a job. Jobs of a live process, or of another machine, are left alone.
    """
    host, mine = socket.gethostname(), _owner()
    marks = ", ".join("?" * len(UNFINISHED))
    rows = db["jobs"].rows_where(
        f"state IN ({marks})", list(UNFINISHED), select="id, owner", order_by="created_at, rowid"
    )
    adopted = []
    for row in list(rows):
        if not _owner_is_dead(row["owner"], host):
            continue
        if changed(
            db,
            "UPDATE jobs SET owner = ?, updated_at = ? WHERE id = ? AND owner IS ?",
            (mine, utc_now(), row["id"], row["owner"]),
        ):
            adopted.append(job_for(db, row["id"]))
    return adopted


def run_status(db: sqlite_utils.Database, run_id: int | None) -> str | None:
    """The status of a job's run ('running', 'done', 'failed'), None without one."""
    if run_id is None:
        return None
    row = first(db["runs"].rows_where("id = ?", [run_id], select="status"))
    return None if row is None else row["status"]
