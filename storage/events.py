"""Event dedupe for the bot: Slack may deliver an event (or a file) more than once."""

from __future__ import annotations

import sqlite_utils

from storage.sql import changed, utc_now


def claim_event(db: sqlite_utils.Database, key: str) -> bool:
    """True the first time ``key`` (a Slack event_id or file id) is claimed, False ever after.

    One INSERT OR IGNORE: however many threads or processes try at once, exactly one wins.
    """
    return changed(
        db,
        "INSERT OR IGNORE INTO processed_events (key, claimed_at) VALUES (?, ?)",
        (key, utc_now()),
    )
