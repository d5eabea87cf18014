"""Campaign steps of segbot's schema, on the same ``MIGRATIONS`` as ``storage.migrations``.

``storage.migrate`` imports this module after ``storage.migrations``, so these steps are
registered, and applied, after the released ones. Never edit a released step, add one.
"""

from __future__ import annotations

import sqlite_utils

from storage.migrations import MIGRATIONS, _run_script


@MIGRATIONS()
def m014_campaigns(db: sqlite_utils.Database) -> None:
    """Campaigns started from a run's segment, and their members as drawn: each customer's
    group (treated or holdout) is stored once and never drawn again. ``report`` keeps the
    latest read-out (JSON) so the list can show every campaign's verdict; ``final_posted_at``
    when its last read-out went to the channel, once its window ended."""
    _run_script(
        db,
        """
        CREATE TABLE campaigns (
            id INTEGER PRIMARY KEY,
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            name TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            dataset_id INTEGER NOT NULL,
            line INTEGER NOT NULL,
            source TEXT,
            segment INTEGER NOT NULL,
            segment_name TEXT NOT NULL,
            state TEXT,
            holdout REAL NOT NULL CHECK (holdout > 0 AND holdout < 1),
            window_days INTEGER NOT NULL CHECK (window_days > 0),
            seed INTEGER NOT NULL,
            start TEXT NOT NULL,
            members INTEGER NOT NULL,
            treated INTEGER NOT NULL,
            held_out INTEGER NOT NULL,
            baseline REAL NOT NULL,
            detectable_lift REAL NOT NULL,
            created_by TEXT,
            created_at TEXT NOT NULL,
            report TEXT,
            reported_at TEXT,
            final_posted_at TEXT,
            UNIQUE (team_id, channel_id, name)
        );
        CREATE TABLE campaign_members (
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            customer_id TEXT NOT NULL,
            holdout INTEGER NOT NULL CHECK (holdout IN (0, 1)),
            lifecycle TEXT,
            total_spend REAL NOT NULL,
            PRIMARY KEY (campaign_id, customer_id)
        );
        """,
    )
