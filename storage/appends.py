"""Uploads waiting for *Add* or *Replace*: a new export shared in a channel that already has a
dataset is loaded and kept here (its lines in a transactions file, how it was read) until
someone answers; nothing of the channel's data changes before that.

A pending upload is "open" until decided ("add" or "replace", claimed by one conditional
update so a second click finds it decided), or "superseded" when a newer upload of the channel
asks again. Its transactions file is removed once the decided job has stored its dataset, or
when it is superseded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import sqlite_utils

from segmentation.load.record import ExportRecord
from storage.datasets import TRANSACTIONS_FOLDER, _write_arrow
from storage.jobs import UNFINISHED
from storage.records import Scope
from storage.sql import changed, first, from_json, to_json, utc_now, write_transaction

CHOICES = ("add", "replace")


# How the export was read, kept as one ``ExportRecord``; the columns before it held its parts.
RECORD_COLUMNS = (
    "file_name", "sha256", "file_format", "mapping", "currency", "date_order", "notes",
    "rows_read",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class PendingUpload:
    """A loaded upload waiting for its answer: the ``export`` as read, and ``lines``, how many
    lines it holds (its ``rows_read`` counts the lines the reader skipped too)."""

    id: int
    team_id: str
    channel_id: str
    user_id: str | None
    base_dataset_id: int
    export: ExportRecord
    slack_file_id: str | None
    lines: int
    thread_ts: str | None
    question_ts: str | None
    suggested: str
    state: str
    decided_by: str | None
    stored_dataset_id: int | None = None  # the dataset it was stored as (or added to)


def open_pending_upload(
    db: sqlite_utils.Database,
    scope: Scope,
    export: ExportRecord,
    *,
    transactions: pa.Table | pd.DataFrame,
    data_dir: str | Path,
    user_id: str | None,
    base_dataset_id: int,
    suggested: str,
    slack_file_id: str | None = None,
) -> int:
    """Keep a loaded upload (``export``, its ``transactions``) until it is answered; the
    channel's earlier open ones are superseded. ``suggested``: "add" or "replace"."""
    prefix = f"pending-{export.sha256[:16]}-{uuid.uuid4().hex[:12]}"
    relative = Path(TRANSACTIONS_FOLDER) / f"{prefix}.arrow"
    _write_arrow(transactions, Path(data_dir) / relative)  # the file first, as datasets do
    facts = export.to_json()
    row = {
        **{name: facts[name] for name in RECORD_COLUMNS},
        "user_id": user_id,
        "base_dataset_id": base_dataset_id,
        "slack_file_id": slack_file_id,
        "suggested": suggested,
        "export": to_json(facts),
        "team_id": scope.team_id,
        "channel_id": scope.channel_id,
        "mapping": to_json(facts["mapping"]),
        "notes": to_json(facts["notes"]),
        "lines": len(transactions),
        "transactions_path": relative.as_posix(),
        "state": "open",
        "created_at": utc_now(),
    }
    with write_transaction(db):
        superseded = db.conn.execute(
            "UPDATE dataset_appends SET state = 'superseded' "
            "WHERE team_id = ? AND channel_id = ? AND state = 'open' RETURNING transactions_path",
            (scope.team_id, scope.channel_id),
        ).fetchall()
        cursor = db.conn.execute(
            f"INSERT INTO dataset_appends ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
    for (path,) in superseded:  # their lines can never be stored now
        (Path(data_dir) / path).unlink(missing_ok=True)
    return int(cursor.lastrowid)


def pending_upload(db: sqlite_utils.Database, scope: Scope, append_id: int) -> PendingUpload | None:
    """The pending upload with this id in this channel (any state), or None."""
    row = first(
        db["dataset_appends"].rows_where(
            "id = ? AND team_id = ? AND channel_id = ?",
            [append_id, scope.team_id, scope.channel_id],
        )
    )
    if row is None:
        return None
    return _pending(row)


def _pending(row: dict) -> PendingUpload:
    stored = from_json(row.pop("export"))
    parts = {name: row.pop(name) for name in RECORD_COLUMNS}
    if stored is None:  # kept before the record had a column of its own
        stored = {
            **parts,
            "mapping": from_json(parts["mapping"]),
            "notes": from_json(parts["notes"]),
        }
    for unused in ("transactions_path", "created_at"):
        row.pop(unused)
    return PendingUpload(**row, export=ExportRecord.from_json(stored))


def pending_transactions(
    db: sqlite_utils.Database, scope: Scope, append_id: int, *, data_dir: str | Path
) -> pa.Table | None:
    """The pending upload's lines (memory-mapped), or None when it is not this channel's or
    its file is gone."""
    path = _path(db, scope, append_id, data_dir)
    if path is None or not path.exists():
        return None
    return feather.read_table(path, memory_map=True)


def set_pending_question(db: sqlite_utils.Database, append_id: int, **where: str | None) -> None:
    """``thread_ts``: the thread the answer's results go to (set before the question is
    posted, so a quick click finds it); ``question_ts``: the question, to replace its buttons."""
    if not set(where) <= {"thread_ts", "question_ts"}:
        raise ValueError(f"cannot set {where!r} on a pending upload")
    db["dataset_appends"].update(append_id, where)


def decide_pending(
    db: sqlite_utils.Database, scope: Scope, append_id: int, state: str, *, was: str,
    user_id: str | None = None,
) -> bool:  # fmt: skip
    """Move a pending upload from ``was`` to ``state`` (open → add/replace claims it once; a
    second click finds it decided); False if it was not in state ``was``."""
    return changed(
        db,
        "UPDATE dataset_appends SET state = ?, decided_by = ? "
        "WHERE id = ? AND team_id = ? AND channel_id = ? AND state = ?",
        (state, user_id, append_id, scope.team_id, scope.channel_id, was),
    )


def reopen_unstarted(db: sqlite_utils.Database) -> list[PendingUpload]:
    """Open again every answered upload that nothing stored and no unfinished job works on: a
    bot stopped between the answer and the end of its job (whose job, if recorded, recovery
    has ended first). The uploads reopened, each as it was answered (``state``: the choice)."""
    marks = ", ".join("?" * len(UNFINISHED))
    unstarted = (
        "state IN ('add', 'replace') AND stored_dataset_id IS NULL AND NOT EXISTS ("
        "  SELECT 1 FROM jobs WHERE jobs.team_id = dataset_appends.team_id"
        "  AND jobs.channel_id = dataset_appends.channel_id"
        f"  AND jobs.thread_ts IS dataset_appends.thread_ts AND jobs.state IN ({marks}))"
    )
    with write_transaction(db):
        answered = [
            _pending(row) for row in db["dataset_appends"].rows_where(unstarted, UNFINISHED)
        ]
        db.conn.execute(f"UPDATE dataset_appends SET state = 'open' WHERE {unstarted}", UNFINISHED)
    return answered


def decided_in_thread(
    db: sqlite_utils.Database, scope: Scope, thread_ts: str | None
) -> PendingUpload | None:
    """The latest answered upload asked about in the thread ``thread_ts``, or None."""
    row = first(
        db["dataset_appends"].rows_where(
            "team_id = ? AND channel_id = ? AND thread_ts = ? AND state IN ('add', 'replace')",
            [scope.team_id, scope.channel_id, thread_ts],
            order_by="id DESC",
            limit=1,
        )
    )
    return None if row is None else _pending(row)


def remove_pending_file(
    db: sqlite_utils.Database,
    scope: Scope,
    append_id: int,
    *,
    data_dir: str | Path,
    stored_as: int | None = None,
) -> None:
    """Delete the pending lines once the decided upload is stored as (or into) the dataset
    ``stored_as``, which is remembered: sharing the same bytes again finds it."""
    if stored_as is not None:
        with write_transaction(db):
            db.conn.execute(
                "UPDATE dataset_appends SET stored_dataset_id = ? "
                "WHERE id = ? AND team_id = ? AND channel_id = ?",
                (stored_as, append_id, scope.team_id, scope.channel_id),
            )
    path = _path(db, scope, append_id, data_dir)
    if path is not None:
        path.unlink(missing_ok=True)


def _path(
    db: sqlite_utils.Database, scope: Scope, append_id: int, data_dir: str | Path
) -> Path | None:
    row = first(
        db["dataset_appends"].rows_where(
            "id = ? AND team_id = ? AND channel_id = ?",
            [append_id, scope.team_id, scope.channel_id],
            select="transactions_path",
        )
    )
    return None if row is None else Path(data_dir) / row["transactions_path"]
