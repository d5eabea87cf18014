"""One row per digest slot: claimed once, marked how it ended, failed if a crash left it half-posted.

Claims are single INSERT … ON CONFLICT / conditional UPDATE statements, so exactly
one thread or process wins however many try at once.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from storage.records import InterruptedDigest
from storage.sql import changed, first, utc_now, write_transaction

DIGEST_STATUSES = ("posting", "sent", "failed", "skipped")


def claim_digest_slot(
    db: sqlite_utils.Database,
    schedule_id: int,
    slot_time: str | dt.datetime,
    *,
    max_attempts: int = 3,
) -> bool:
    """True if this caller should post the digest for ``slot_time`` (UTC); False if someone else is.

    The first claim wins. A slot marked 'failed' can be claimed again until it
    has had ``max_attempts`` attempts; 'posting', 'sent' and 'skipped' slots never.
    """
    return changed(
        db,
        "INSERT INTO digest_posts (schedule_id, slot_time, status, attempts, created_at) "
        "VALUES (?, ?, 'posting', 1, ?) ON CONFLICT (schedule_id, slot_time) DO UPDATE "
        "SET status = 'posting', attempts = attempts + 1, error = NULL "
        "WHERE status = 'failed' AND attempts < ?",
        (schedule_id, slot_text(slot_time), utc_now(), max_attempts),
    )


def mark_digest(
    db: sqlite_utils.Database,
    schedule_id: int,
    slot_time: str | dt.datetime,
    status: str,
    *,
    error: str | None = None,
    message_ts: str | None = None,
) -> None:
    """Record how a claimed slot ended: 'sent' (with message_ts), 'failed' (with error) or 'skipped'.

    A slot that was never claimed is left as it is (there is no row to mark).
    """
    if status not in DIGEST_STATUSES:
        raise ValueError(f"status must be one of {DIGEST_STATUSES}, not {status!r}")
    changed(
        db,
        "UPDATE digest_posts SET status = ?, error = ?, message_ts = ? "
        "WHERE schedule_id = ? AND slot_time = ?",
        (status, error, message_ts, schedule_id, slot_text(slot_time)),
    )


def digest_post(
    db: sqlite_utils.Database, schedule_id: int, slot_time: str | dt.datetime
) -> dict | None:
    """The slot's row (status, attempts, error, message_ts, …), or None if never claimed."""
    rows = db["digest_posts"].rows_where(
        "schedule_id = ? AND slot_time = ?", [schedule_id, slot_text(slot_time)]
    )
    return first(rows)


def skipped_since_last_sent(db: sqlite_utils.Database, schedule_id: int) -> list[str]:
    """Slots recorded 'skipped' after the latest 'sent' one (oldest first): the next digest says so."""
    rows = db["digest_posts"].rows_where(
        "schedule_id = ? AND status = 'skipped' AND slot_time > coalesce((SELECT max(slot_time) "
        "FROM digest_posts WHERE schedule_id = ? AND status = 'sent'), '')",
        [schedule_id, schedule_id],
        select="slot_time",
        order_by="slot_time",
    )
    return [row["slot_time"] for row in rows]


def fail_interrupted_digests(db: sqlite_utils.Database, reason: str) -> list[InterruptedDigest]:
    """Mark slots a dead process left 'posting' as failed with ``reason``; return them.

    Called at start-up, when no other process can be posting. They are not posted again:
    a crash right after Slack accepted the message would otherwise post it twice. Each
    carries the schedule's channel and creator, to tell someone.
    """
    with write_transaction(db):
        rows = db.query(
            "SELECT p.schedule_id, p.slot_time, s.channel_id, s.created_by "
            "FROM digest_posts p JOIN schedules s ON s.id = p.schedule_id "
            "WHERE p.status = 'posting' ORDER BY p.slot_time"
        )
        interrupted = [InterruptedDigest(**row) for row in rows]
        db.conn.execute(
            "UPDATE digest_posts SET status = 'failed', error = ? WHERE status = 'posting'",
            (reason,),
        )
    return interrupted


def slot_text(slot_time: str | dt.datetime) -> str:
    """Slots are compared as text, so datetimes are written one way: UTC ISO to the second."""
    if isinstance(slot_time, str):
        return slot_time
    if slot_time.tzinfo is None:
        raise ValueError("slot_time must be timezone-aware (UTC)")
    return slot_time.astimezone(dt.UTC).isoformat(timespec="seconds")
