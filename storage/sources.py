"""Which connected source a channel reads, and the dataset row that stands for that source.

A channel bound to a source (``bind_source``) is segmented from it at ``/segment run`` and at
every scheduled refresh. Only the source's *name* is stored: its address, query and password
stay in the operator's sources file. Runs of a source are recorded against one dataset row per
channel and source (``source_dataset``): it has no transactions file (the lines stay in the
source), and its counts are those of the latest read (``update_source_dataset``); each run's
summary keeps the counts of its own read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlite_utils

from segmentation.summary import RunSummary
from storage.datasets import dataset_for
from storage.records import Dataset, Scope
from storage.sql import changed, first, to_json, utc_now, write_transaction

IN_SCOPE = "team_id = ? AND channel_id = ?"


@dataclass(frozen=True, kw_only=True)
class ChannelSource:
    """A channel's binding to the source called ``source``: who set it, when (ISO UTC)."""

    team_id: str
    channel_id: str
    source: str
    bound_by: str | None
    bound_at: str


def channel_source(db: sqlite_utils.Database, scope: Scope) -> ChannelSource | None:
    """The source this channel reads, or None (it segments the exports shared in it)."""
    row = first(
        db["channel_sources"].rows_where(IN_SCOPE, [scope.team_id, scope.channel_id], limit=1)
    )
    return None if row is None else ChannelSource(**row)


def bind_source(
    db: sqlite_utils.Database, scope: Scope, source: str, *, user_id: str | None
) -> ChannelSource:
    """Make the channel read ``source`` from now on (replacing any other); returns the binding."""
    row = {
        "team_id": scope.team_id,
        "channel_id": scope.channel_id,
        "source": source,
        "bound_by": user_id,
        "bound_at": utc_now(),
    }
    with write_transaction(db):
        db["channel_sources"].upsert(row, pk=("team_id", "channel_id"))
    return ChannelSource(**row)


def unbind_source(db: sqlite_utils.Database, scope: Scope) -> bool:
    """Stop reading a source in this channel; False when it read none."""
    return changed(
        db, f"DELETE FROM channel_sources WHERE {IN_SCOPE}", (scope.team_id, scope.channel_id)
    )


def source_dataset(
    db: sqlite_utils.Database,
    scope: Scope,
    *,
    source: str,
    kind: str,
    user_id: str | None,
    mapping: dict[str, str] | None = None,
) -> Dataset:
    """The channel's dataset row for ``source`` (created on first use, with no counts yet).

    ``kind`` is the source's kind ("database" or "files"), kept as the dataset's format.
    """
    key = _key(source)
    row = {
        "team_id": scope.team_id,
        "channel_id": scope.channel_id,
        "user_id": user_id,
        "created_at": utc_now(),
        "file_name": source,
        "source": source,
        "sha256": key,  # UNIQUE per channel: one row per source
        "mapping": to_json(mapping or {}),
        "file_format": kind,
        "transactions_path": "",  # no file: the lines stay in the source
    }
    with write_transaction(db):
        db.conn.execute(
            f"INSERT OR IGNORE INTO datasets ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        # A source's data are a line of history of their own, never compared with exports'.
        db.conn.execute(
            f"UPDATE datasets SET line_start = id WHERE {IN_SCOPE} AND sha256 = ? "
            "AND line_start IS NULL",
            (scope.team_id, scope.channel_id, key),
        )
        found = first(
            db["datasets"].rows_where(
                f"{IN_SCOPE} AND sha256 = ?", [scope.team_id, scope.channel_id, key], select="id"
            )
        )
    dataset = dataset_for(db, found["id"], scope)
    assert dataset is not None and dataset.source == source
    return dataset


def update_source_dataset(
    db: sqlite_utils.Database, dataset_id: int, scope: Scope, summary: RunSummary
) -> None:
    """Give the source's dataset row the audit counts of its latest read (``summary``)."""
    with write_transaction(db):
        db.conn.execute(
            "UPDATE datasets SET rows_read = ?, rows_kept = ?, customers = ?, first_purchase = ?, "
            f"last_purchase = ?, currency = ? WHERE id = ? AND {IN_SCOPE} AND source IS NOT NULL",
            (
                summary.rows_read, summary.rows_kept, summary.customers, summary.first_purchase,
                summary.last_purchase, summary.currency, dataset_id, scope.team_id,
                scope.channel_id,
            ),
        )  # fmt: skip


def _key(source: str) -> str:
    """What stands in the dataset's sha256 column for a source (no bytes to hash)."""
    return hashlib.sha256(f"source:{source}".encode()).hexdigest()
