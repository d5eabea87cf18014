"""Event dedupe for the bot, weekly digest schedules, and one row per digest slot.

Claims are single INSERT OR IGNORE / conditional UPDATE statements, so exactly
one thread or process wins however many try at once.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from storage.db import one, utc_now, write_transaction

DIGEST_STATUSES = ("posting", "sent", "failed", "skipped")


def claim_event(db: sqlite_utils.Database, key: str) -> bool:
    """True the first time ``key`` (a Slack event_id or file id) is claimed, False ever after."""
    with write_transaction(db):
        cursor = db.conn.execute(
            "INSERT OR IGNORE INTO processed_events (key, claimed_at) VALUES (?, ?)",
            (key, utc_now()),
        )
    return cursor.rowcount == 1


def save_schedule(
    db: sqlite_utils.Database,
    *,
    team_id: str,
    channel_id: str,
    created_by: str | None,
    weekday: int,
    time: str,
    timezone: str,
    k_mode: str = "auto",
) -> int:
    """Create or replace (and enable) the channel's schedule; returns its id, kept across edits.

    ``weekday`` is 0 = Monday … 6 = Sunday, ``time`` is "HH:MM" in ``timezone``
    (an IANA name such as "Europe/London").
    """
    with write_transaction(db):
        db.conn.execute(
            "INSERT INTO schedules (team_id, channel_id, created_by, weekday, time, timezone, "
            "k_mode, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) "
            "ON CONFLICT (team_id, channel_id) DO UPDATE SET created_by = excluded.created_by, "
            "weekday = excluded.weekday, time = excluded.time, timezone = excluded.timezone, "
            "k_mode = excluded.k_mode, enabled = 1",
            (team_id, channel_id, created_by, weekday, time, timezone, k_mode, utc_now()),
        )
        row = one(
            db,
            "SELECT id FROM schedules WHERE team_id = ? AND channel_id = ?",
            (team_id, channel_id),
        )
    return row["id"]


def schedule_for(db: sqlite_utils.Database, team_id: str, channel_id: str) -> dict | None:
    """The channel's schedule (enabled or not), or None."""
    return one(
        db, "SELECT * FROM schedules WHERE team_id = ? AND channel_id = ?", (team_id, channel_id)
    )


def disable_schedule(db: sqlite_utils.Database, team_id: str, channel_id: str) -> bool:
    """Turn the channel's schedule off; False if it had none enabled."""
    with write_transaction(db):
        cursor = db.conn.execute(
            "UPDATE schedules SET enabled = 0 WHERE team_id = ? AND channel_id = ? AND enabled = 1",
            (team_id, channel_id),
        )
    return cursor.rowcount == 1


def all_enabled_schedules(db: sqlite_utils.Database) -> list[dict]:
    """Every enabled schedule in every workspace.

    The one read that crosses channels: it is for the scheduler, which posts
    each digest back to the schedule's own channel, never to answer a user.
    """
    return list(db.query("SELECT * FROM schedules WHERE enabled = 1 ORDER BY id"))


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
    slot = _slot(slot_time)
    with write_transaction(db):
        cursor = db.conn.execute(
            "INSERT INTO digest_posts (schedule_id, slot_time, status, attempts, created_at) "
            "VALUES (?, ?, 'posting', 1, ?) ON CONFLICT (schedule_id, slot_time) DO UPDATE "
            "SET status = 'posting', attempts = attempts + 1, error = NULL "
            "WHERE status = 'failed' AND attempts < ?",
            (schedule_id, slot, utc_now(), max_attempts),
        )
    return cursor.rowcount == 1


def mark_digest(
    db: sqlite_utils.Database,
    schedule_id: int,
    slot_time: str | dt.datetime,
    status: str,
    *,
    error: str | None = None,
    message_ts: str | None = None,
) -> None:
    """Record how a claimed slot ended: 'sent' (with message_ts), 'failed' (with error) or 'skipped'."""
    if status not in DIGEST_STATUSES:
        raise ValueError(f"status must be one of {DIGEST_STATUSES}, not {status!r}")
    with write_transaction(db):
        db.conn.execute(
            "UPDATE digest_posts SET status = ?, error = ?, message_ts = ? "
            "WHERE schedule_id = ? AND slot_time = ?",
            (status, error, message_ts, schedule_id, _slot(slot_time)),
        )


def _slot(slot_time: str | dt.datetime) -> str:
    """Slots are compared as text, so datetimes are written one way: UTC ISO to the second."""
    if isinstance(slot_time, str):
        return slot_time
    if slot_time.tzinfo is None:
        raise ValueError("slot_time must be timezone-aware (UTC)")
    return slot_time.astimezone(dt.UTC).isoformat(timespec="seconds")
