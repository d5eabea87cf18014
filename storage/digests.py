"""Digest slots after the fact: what happened to a schedule's slots (claimed in ``schedules``)."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from storage.db import one, write_transaction
from storage.schedules import _slot


def digest_post(
    db: sqlite_utils.Database, schedule_id: int, slot_time: str | dt.datetime
) -> dict | None:
    """The row of one slot (status, attempts, error, message_ts), or None if never claimed."""
    return one(
        db,
        "SELECT * FROM digest_posts WHERE schedule_id = ? AND slot_time = ?",
        (schedule_id, _slot(slot_time)),
    )


def digest_posts_for(db: sqlite_utils.Database, schedule_id: int, limit: int = 20) -> list[dict]:
    """The schedule's slots, latest first."""
    return list(
        db.query(
            "SELECT * FROM digest_posts WHERE schedule_id = ? ORDER BY slot_time DESC LIMIT ?",
            (schedule_id, limit),
        )
    )


def skipped_since_last_sent(db: sqlite_utils.Database, schedule_id: int) -> list[str]:
    """Slots recorded 'skipped' after the latest 'sent' one (oldest first): the next digest says so."""
    rows = db.query(
        "SELECT slot_time FROM digest_posts WHERE schedule_id = ? AND status = 'skipped' "
        "AND slot_time > coalesce((SELECT max(slot_time) FROM digest_posts "
        "WHERE schedule_id = ? AND status = 'sent'), '') ORDER BY slot_time",
        (schedule_id, schedule_id),
    )
    return [row["slot_time"] for row in rows]


def fail_interrupted_digests(db: sqlite_utils.Database, reason: str) -> list[dict]:
    """Mark slots a dead process left 'posting' as failed with ``reason``; return them.

    Called at start-up, when no other process can be posting. They are not posted again:
    a crash right after Slack accepted the message would otherwise post it twice. Each row
    carries the schedule's ``team_id``, ``channel_id`` and ``created_by`` to tell someone.
    """
    with write_transaction(db):
        rows = list(
            db.query(
                "SELECT p.schedule_id, p.slot_time, s.team_id, s.channel_id, s.created_by "
                "FROM digest_posts p JOIN schedules s ON s.id = p.schedule_id "
                "WHERE p.status = 'posting' ORDER BY p.slot_time"
            )
        )
        db.conn.execute(
            "UPDATE digest_posts SET status = 'failed', error = ? WHERE status = 'posting'",
            (reason,),
        )
    return rows
