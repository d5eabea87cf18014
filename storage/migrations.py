"""segbot's schema as a list of migrations, applied in order when a database is opened.

``schema_migrations`` records each applied version. A database file written by an
older segbot is upgraded in place; never edit a released migration, add one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def m001_initial(db: sqlite_utils.Database) -> None:
    """Datasets, runs, and each run's segments and per-customer assignments."""
    db.executescript(
        """
        CREATE TABLE datasets (
            id INTEGER PRIMARY KEY,
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            user_id TEXT,
            created_at TEXT NOT NULL,
            file_name TEXT NOT NULL,
            slack_file_id TEXT,
            sha256 TEXT NOT NULL,
            rows_read INTEGER,
            rows_kept INTEGER,
            customers INTEGER,
            first_purchase TEXT,
            last_purchase TEXT,
            mapping TEXT,
            file_format TEXT,
            transactions_path TEXT NOT NULL,
            UNIQUE (team_id, channel_id, sha256)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            trigger TEXT NOT NULL
                CHECK (trigger IN ('upload', 'command', 'schedule', 'cli', 'button')),
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
            error TEXT,
            param_k INTEGER,
            param_as_of TEXT,
            param_random_state INTEGER,
            k INTEGER,
            k_reason TEXT,
            k_scores TEXT,
            stability REAL,
            as_of TEXT,
            summary TEXT,
            timings TEXT,
            requested_by TEXT,
            owner TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT
        );
        CREATE INDEX runs_by_channel ON runs (team_id, channel_id, status, id);
        CREATE TABLE segments (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            segment INTEGER NOT NULL,
            name TEXT NOT NULL,
            customers INTEGER NOT NULL,
            revenue REAL,
            share REAL,
            revenue_share REAL,
            median_recency_days REAL,
            median_frequency REAL,
            median_average_spend REAL,
            median_total_spend REAL,
            strategies TEXT,
            strategy_keys TEXT,
            levels TEXT,
            PRIMARY KEY (run_id, segment)
        );
        CREATE TABLE assignments (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            customer_id TEXT NOT NULL,
            segment INTEGER NOT NULL,
            recency_days INTEGER,
            frequency INTEGER,
            average_spend REAL,
            total_spend REAL,
            returns_value REAL,
            PRIMARY KEY (run_id, customer_id)
        );
        """
    )


def m002_slack_messages_and_events(db: sqlite_utils.Database) -> None:
    """Runs remember the Slack message they report to; the bot dedupes events."""
    db.executescript(
        """
        ALTER TABLE runs ADD COLUMN thread_ts TEXT;
        ALTER TABLE runs ADD COLUMN message_ts TEXT;
        CREATE TABLE processed_events (
            key TEXT PRIMARY KEY,
            claimed_at TEXT NOT NULL
        );
        """
    )


def m003_schedules(db: sqlite_utils.Database) -> None:
    """Weekly digests per channel, and one row per digest slot so each posts once."""
    db.executescript(
        """
        CREATE TABLE schedules (
            id INTEGER PRIMARY KEY,
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            created_by TEXT,
            weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
            time TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),
            timezone TEXT NOT NULL,
            k_mode TEXT NOT NULL DEFAULT 'auto',
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            UNIQUE (team_id, channel_id)
        );
        CREATE TABLE digest_posts (
            id INTEGER PRIMARY KEY,
            schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
            slot_time TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('posting', 'sent', 'failed', 'skipped')),
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            message_ts TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (schedule_id, slot_time)
        );
        """
    )


MIGRATIONS: list[Migration] = [m001_initial, m002_slack_messages_and_events, m003_schedules]


def schema_version(db: sqlite_utils.Database) -> int:
    """The highest migration applied to this database (0 for a new file)."""
    if not db["schema_migrations"].exists():
        return 0
    return db.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(db: sqlite_utils.Database, *, target: int | None = None) -> int:
    """Apply the migrations this database lacks, up to ``target`` (default: all); returns the version.

    Everything runs in one ``BEGIN IMMEDIATE`` transaction, so two processes
    opening a new file at once cannot both apply migration 1, and a failed
    migration leaves the file as it was.
    """
    target = len(MIGRATIONS) if target is None else target
    if schema_version(db) >= target:
        return schema_version(db)
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        db.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = schema_version(db)  # again: another process may have migrated meanwhile
        for version, migration in enumerate(MIGRATIONS[current:target], start=current + 1):
            migration(db)
            db.conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, datetime('now'))",
                (version, migration.__name__),
            )
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
    return schema_version(db)
