"""Per-channel settings a user sets from Slack: for now, the currency of its exports."""

from __future__ import annotations

import sqlite_utils

from storage.records import Scope
from storage.sql import utc_now


def channel_currency(db: sqlite_utils.Database, scope: Scope) -> str | None:
    """The ISO code this channel said its exports are in, or None (read it from each export)."""
    rows = db["channel_settings"].rows_where(
        "team_id = ? AND channel_id = ?", [scope.team_id, scope.channel_id], limit=1
    )
    row = next(rows, None)
    return None if row is None else row["currency"]


def set_channel_currency(
    db: sqlite_utils.Database, scope: Scope, currency: str | None, *, user_id: str | None
) -> None:
    """Remember (or, with None, forget) the currency of this channel's exports."""
    db["channel_settings"].upsert(
        {
            "team_id": scope.team_id,
            "channel_id": scope.channel_id,
            "currency": currency,
            "updated_by": user_id,
            "updated_at": utc_now(),
        },
        pk=("team_id", "channel_id"),
    )
