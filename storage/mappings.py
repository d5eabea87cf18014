"""Column mappings chosen in Slack, and uploads waiting for one.

``column_mappings`` remembers, per channel, which column each field is in for a file header
(keyed by a hash of the header; the empty hash is a mapping given before any upload needed
it, for the next one). ``mapping_requests`` keeps an upload whose columns could not be
guessed: its file, thread, headers and the columns picked so far, so the *Segment* button
or ``/segment map`` can run it again after a restart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from storage.jobs import UNFINISHED
from storage.records import Scope
from storage.sql import changed, first, from_json, to_json, utc_now, write_transaction

ANY_HEADER = ""  # the header hash of a mapping kept for the channel's next upload


@dataclass(frozen=True, kw_only=True)
class MappingRequest:
    """An upload waiting for its columns; ``choices`` is field -> column picked so far."""

    id: int
    team_id: str
    channel_id: str
    user_id: str | None
    file_id: str
    file_name: str
    url: str
    size: int | None
    thread_ts: str
    status_ts: str | None
    question_ts: str | None
    headers: tuple[str, ...]
    missing: tuple[str, ...]
    choices: dict[str, str]
    state: str  # "open" until it is segmented again, then "used"
    kept: str | None = None  # the file's bytes, under the data folder (None: download again)

    @property
    def header_hash(self) -> str:
        return header_hash(self.headers)


def header_hash(headers: tuple[str, ...] | list[str]) -> str:
    """A stable hash of a file's column names, in order."""
    return hashlib.sha256("\x1f".join(headers).encode("utf-8")).hexdigest()


def remembered_mapping(
    db: sqlite_utils.Database, scope: Scope, digest: str
) -> dict[str, str] | None:
    """The mapping this channel chose for files with this header hash, or None."""
    row = first(
        db["column_mappings"].rows_where(
            "team_id = ? AND channel_id = ? AND header_hash = ?",
            [scope.team_id, scope.channel_id, digest],
            limit=1,
        )
    )
    return None if row is None else from_json(row["mapping"])


def remember_mapping(
    db: sqlite_utils.Database,
    scope: Scope,
    digest: str,
    mapping: dict[str, str],
    *,
    user_id: str | None,
) -> None:
    """Keep ``mapping`` for this channel's files with this header hash (replacing any)."""
    db["column_mappings"].upsert(
        {
            "team_id": scope.team_id,
            "channel_id": scope.channel_id,
            "header_hash": digest,
            "mapping": to_json(mapping),
            "updated_by": user_id,
            "updated_at": utc_now(),
        },
        pk=("team_id", "channel_id", "header_hash"),
    )


def forget_mapping(db: sqlite_utils.Database, scope: Scope, digest: str) -> None:
    with write_transaction(db):
        db.conn.execute(
            "DELETE FROM column_mappings WHERE team_id = ? AND channel_id = ? AND header_hash = ?",
            (scope.team_id, scope.channel_id, digest),
        )


def open_mapping_request(
    db: sqlite_utils.Database, scope: Scope, *, data_dir: str | Path, **fields: object
) -> int:
    """Store an upload waiting for its columns; earlier open ones of the channel are closed
    (their kept files, under ``data_dir``, removed: no answer can use them now).

    ``fields``: user_id, file_id, file_name, url, size, thread_ts, status_ts, headers,
    missing, choices, kept (as in ``MappingRequest``).
    """
    where = (scope.team_id, scope.channel_id)
    row = {
        **fields,
        "team_id": scope.team_id,
        "channel_id": scope.channel_id,
        "headers": to_json(list(fields["headers"])),  # type: ignore[call-overload]
        "missing": to_json(list(fields["missing"])),  # type: ignore[call-overload]
        "choices": to_json(fields.get("choices") or {}),
        "state": "open",
        "created_at": utc_now(),
    }
    with write_transaction(db):
        replaced = db.conn.execute(
            "UPDATE mapping_requests SET state = 'replaced' "
            "WHERE team_id = ? AND channel_id = ? AND state = 'open' RETURNING kept",
            where,
        ).fetchall()
        cursor = db.conn.execute(
            f"INSERT INTO mapping_requests ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
    for (kept,) in replaced:
        if kept:
            (Path(data_dir) / kept).unlink(missing_ok=True)
    return int(cursor.lastrowid)


def mapping_request(
    db: sqlite_utils.Database, scope: Scope, request_id: int | None = None
) -> MappingRequest | None:
    """A request by id (any state), or with None the channel's latest open one."""
    if request_id is None:
        where, args = "state = 'open'", []
    else:
        where, args = "id = ?", [request_id]
    row = first(
        db["mapping_requests"].rows_where(
            f"team_id = ? AND channel_id = ? AND {where}",
            [scope.team_id, scope.channel_id, *args],
            order_by="id DESC",
            limit=1,
        )
    )
    if row is None:
        return None
    row.pop("created_at", None)
    return MappingRequest(
        **{
            **row,
            "headers": tuple(from_json(row["headers"])),
            "missing": tuple(from_json(row["missing"])),
            "choices": from_json(row["choices"]) or {},
        }
    )


def choose_column(
    db: sqlite_utils.Database, scope: Scope, request_id: int, field: str, column: str
) -> None:
    """Record one pick of the request's selects (only while it is open)."""
    found = mapping_request(db, scope, request_id)
    if found is None or found.state != "open":
        return
    choices = {**found.choices, field: column}
    db["mapping_requests"].update(request_id, {"choices": to_json(choices)})


def set_question_ts(db: sqlite_utils.Database, request_id: int, ts: str) -> None:
    """Where the question with the selects was posted (to replace it once answered)."""
    db["mapping_requests"].update(request_id, {"question_ts": ts})


def set_mapping_request_state(
    db: sqlite_utils.Database, scope: Scope, request_id: int, state: str, *, was: str
) -> bool:
    """Move a request from state ``was`` to ``state`` ("open" → "used" claims it once: a
    second click finds it used); False if it was not in state ``was``."""
    return changed(
        db,
        "UPDATE mapping_requests SET state = ? "
        "WHERE id = ? AND team_id = ? AND channel_id = ? AND state = ?",
        (state, request_id, scope.team_id, scope.channel_id, was),
    )


def reopen_unread(db: sqlite_utils.Database, data_dir: str | Path) -> list[MappingRequest]:
    """Open again every request whose columns were picked but whose kept bytes no job read:
    no unfinished job answers in its thread (recovery has ended a stopped one first) and the
    bytes are still on disk (a job that read them removed them). The requests reopened."""
    marks = ", ".join("?" * len(UNFINISHED))
    rows = db.execute(
        "SELECT id, team_id, channel_id, kept FROM mapping_requests "
        "WHERE state = 'used' AND kept IS NOT NULL AND NOT EXISTS ("
        "  SELECT 1 FROM jobs WHERE jobs.team_id = mapping_requests.team_id"
        "  AND jobs.channel_id = mapping_requests.channel_id"
        f"  AND jobs.thread_ts = mapping_requests.thread_ts AND jobs.state IN ({marks}))",
        UNFINISHED,
    ).fetchall()
    reopened = []
    for request_id, team_id, channel_id, kept in rows:
        scope = Scope(team_id, channel_id)
        unread = not Path(kept).is_absolute() and (Path(data_dir) / kept).is_file()
        if unread and set_mapping_request_state(db, scope, request_id, "open", was="used"):
            reopened.append(mapping_request(db, scope, request_id))
    return reopened
