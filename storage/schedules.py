"""Weekly digest schedules: at most one per channel, edited in place."""

from __future__ import annotations

import sqlite_utils

from storage.records import Schedule, Scope
from storage.sql import changed, first, utc_now, write_transaction

IN_SCOPE = "team_id = ? AND channel_id = ?"


def save_schedule(
    db: sqlite_utils.Database,
    scope: Scope,
    *,
    created_by: str | None,
    weekday: int,
    time: str,
    timezone: str,
    k_mode: str = "auto",
) -> Schedule:
    """Create or replace (and enable) the scope's schedule; its id and created_at stay across edits.

    ``weekday`` is 0 = Monday … 6 = Sunday, ``time`` is "HH:MM" in ``timezone``
    (an IANA name such as "Europe/London"); ``k_mode`` as in ``Schedule``. A bad
    weekday or time raises sqlite3.IntegrityError (CHECK constraint).
    """
    with write_transaction(db):
        # One INSERT … ON CONFLICT rather than table.upsert, which would also overwrite
        # created_at: two channels' members saving at once still end with one row.
        db.conn.execute(
            "INSERT INTO schedules (team_id, channel_id, created_by, weekday, time, timezone, "
            "k_mode, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) "
            "ON CONFLICT (team_id, channel_id) DO UPDATE SET created_by = excluded.created_by, "
            "weekday = excluded.weekday, time = excluded.time, timezone = excluded.timezone, "
            "k_mode = excluded.k_mode, enabled = 1",
            (
                scope.team_id,
                scope.channel_id,
                created_by,
                weekday,
                time,
                timezone,
                k_mode,
                utc_now(),
            ),
        )
        saved = schedule_for(db, scope)
    assert saved is not None  # just written in this transaction
    return saved


def schedule_for(db: sqlite_utils.Database, scope: Scope) -> Schedule | None:
    """The scope's schedule (enabled or not), or None."""
    row = first(db["schedules"].rows_where(IN_SCOPE, [scope.team_id, scope.channel_id]))
    return None if row is None else _schedule(row)


def schedule_by_id(db: sqlite_utils.Database, schedule_id: int) -> Schedule | None:
    """A schedule by id, whatever its channel (for the scheduler's own jobs), or None."""
    row = first(db["schedules"].rows_where("id = ?", [schedule_id]))
    return None if row is None else _schedule(row)


def disable_schedule(db: sqlite_utils.Database, scope: Scope) -> bool:
    """Turn the scope's schedule off; False if it had none enabled."""
    return changed(
        db,
        f"UPDATE schedules SET enabled = 0 WHERE {IN_SCOPE} AND enabled = 1",
        (scope.team_id, scope.channel_id),
    )


def all_enabled_schedules(db: sqlite_utils.Database) -> list[Schedule]:
    """Every enabled schedule in every workspace, by id.

    The one read that crosses channels: it is for the scheduler, which posts
    each digest back to the schedule's own channel, never to answer a user.
    """
    return [_schedule(row) for row in db["schedules"].rows_where("enabled = 1", order_by="id")]


def _schedule(row: dict) -> Schedule:
    return Schedule(**{**row, "enabled": bool(row["enabled"])})
