"""segbot's schema as sqlite-migrate migrations, applied in order when a database is opened.

sqlite-migrate records each applied step by name in ``_sqlite_migrations``. Files written
before it recorded versions 1-3 in ``schema_migrations``; ``storage.migrate.migrate`` takes those over once
(same steps, by name) and drops the old table, so no step runs twice. Never edit a
released migration, add one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_migrate import Migrations

from storage.schema import INITIAL_SCHEMA, PRODUCT_COLUMNS
from storage.sql import run_script as _run_script

MIGRATIONS = Migrations("segbot")
LEGACY_TABLE = "schema_migrations"
# What versions 1, 2, 3 of the old ``schema_migrations`` table were.
LEGACY_NAMES = ("m001_initial", "m002_slack_messages_and_events", "m003_schedules")


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Datasets, runs, and each run's segments and per-customer assignments."""
    _run_script(db, INITIAL_SCHEMA)


@MIGRATIONS()
def m002_slack_messages_and_events(db: sqlite_utils.Database) -> None:
    """Runs remember the Slack message they report to; the bot dedupes events."""
    _run_script(
        db,
        """
        ALTER TABLE runs ADD COLUMN thread_ts TEXT;
        ALTER TABLE runs ADD COLUMN message_ts TEXT;
        CREATE TABLE processed_events (
            key TEXT PRIMARY KEY,
            claimed_at TEXT NOT NULL
        );
        """,
    )


@MIGRATIONS()
def m003_schedules(db: sqlite_utils.Database) -> None:
    """Weekly digests per channel, and one row per digest slot so each posts once."""
    _run_script(
        db,
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
        """,
    )


@MIGRATIONS()
def m004_drop_run_message_columns(db: sqlite_utils.Database) -> None:
    """Runs no longer remember a Slack message: nothing ever wrote those columns."""
    _run_script(
        db,
        """
        ALTER TABLE runs DROP COLUMN thread_ts;
        ALTER TABLE runs DROP COLUMN message_ts;
        """,
    )


@MIGRATIONS()
def m005_segment_facts_and_lifecycle(db: sqlite_utils.Database) -> None:
    """Each segment's facts, and each customer's first-order age and lifecycle state.

    Rows stored before this step have none: their facts and states stay NULL.
    """
    _run_script(
        db,
        """
        ALTER TABLE segments ADD COLUMN facts TEXT;
        ALTER TABLE assignments ADD COLUMN tenure_days INTEGER;
        ALTER TABLE assignments ADD COLUMN lifecycle TEXT;
        """,
    )


@MIGRATIONS()
def m006_currency(db: sqlite_utils.Database) -> None:
    """The currency an export was in, and the one a channel says its exports are in."""
    _run_script(
        db,
        """
        ALTER TABLE datasets ADD COLUMN currency TEXT;
        CREATE TABLE channel_settings (
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            currency TEXT,
            updated_by TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (team_id, channel_id)
        );
        """,
    )


@MIGRATIONS()
def m007_customer_predictions(db: sqlite_utils.Database) -> None:
    """Each customer's lifetime-value predictions: chance still active, orders and spend
    expected in the next 90 days. NULL for runs without them (stored earlier, or whose
    export could not support them)."""
    _run_script(
        db,
        """
        ALTER TABLE assignments ADD COLUMN p_active REAL;
        ALTER TABLE assignments ADD COLUMN expected_orders_90d REAL;
        ALTER TABLE assignments ADD COLUMN expected_value_90d REAL;
        """,
    )


@MIGRATIONS()
def m008_column_mappings(db: sqlite_utils.Database) -> None:
    """Column mappings chosen in Slack, per channel and file header, and uploads waiting for
    one (their file, thread, headers and the columns picked so far)."""
    _run_script(
        db,
        """
        CREATE TABLE column_mappings (
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            header_hash TEXT NOT NULL,
            mapping TEXT NOT NULL,
            updated_by TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (team_id, channel_id, header_hash)
        );
        CREATE TABLE mapping_requests (
            id INTEGER PRIMARY KEY,
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            user_id TEXT,
            file_id TEXT NOT NULL,
            file_name TEXT NOT NULL,
            url TEXT NOT NULL,
            size INTEGER,
            thread_ts TEXT NOT NULL,
            status_ts TEXT,
            question_ts TEXT,
            headers TEXT NOT NULL,
            missing TEXT NOT NULL,
            choices TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX mapping_requests_channel ON mapping_requests (team_id, channel_id, state)
        """,
    )


@MIGRATIONS()
def m009_jobs(db: sqlite_utils.Database) -> None:
    """Each upload or re-run the bot took on, recorded before any work: where to answer, the
    file and its claim, the run it recorded and how far it got, so none is left untold."""
    _run_script(
        db,
        """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            user_id TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('upload', 'run')),
            name TEXT NOT NULL,
            size INTEGER,
            thread_ts TEXT,
            status_ts TEXT,
            file_id TEXT,
            claim TEXT,
            state TEXT NOT NULL
                CHECK (state IN ('queued', 'running', 'posting', 'done', 'failed')),
            run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            error TEXT,
            owner TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX jobs_by_state ON jobs (state, created_at)
        """,
    )


@MIGRATIONS()
def m010_run_fingerprints(db: sqlite_utils.Database) -> None:
    """What data each run saw, whatever its as-of (``storage.fingerprints``), and when a digest
    reported it: a digest compares only runs on different data. Earlier runs have NULL."""
    _run_script(
        db,
        """
        ALTER TABLE runs ADD COLUMN fingerprint TEXT;
        ALTER TABLE runs ADD COLUMN digested_at TEXT
        """,
    )


@MIGRATIONS()
def m011_dataset_appends(db: sqlite_utils.Database) -> None:
    """Uploads waiting for *Add* or *Replace* in a channel that has data: the loaded lines (a
    transactions file), how the file was read, the stored dataset it would add to, the question
    and who decided what."""
    _run_script(
        db,
        """
        CREATE TABLE dataset_appends (
            id INTEGER PRIMARY KEY,
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            user_id TEXT,
            base_dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            file_name TEXT NOT NULL,
            slack_file_id TEXT,
            sha256 TEXT NOT NULL,
            file_format TEXT,
            mapping TEXT NOT NULL,
            currency TEXT,
            date_order TEXT NOT NULL,
            notes TEXT NOT NULL,
            rows_read INTEGER NOT NULL,
            lines INTEGER NOT NULL,
            transactions_path TEXT NOT NULL,
            thread_ts TEXT,
            question_ts TEXT,
            suggested TEXT NOT NULL CHECK (suggested IN ('add', 'replace')),
            state TEXT NOT NULL CHECK (state IN ('open', 'add', 'replace', 'superseded')),
            decided_by TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX dataset_appends_channel ON dataset_appends (team_id, channel_id, state)
        """,
    )


@MIGRATIONS()
def m012_channel_sources(db: sqlite_utils.Database) -> None:
    """The connected source each channel reads (its name only: the address and password stay
    in the sources file), and which datasets stand for a source rather than an uploaded file
    (``datasets.source``; such a row has no transactions file)."""
    _run_script(
        db,
        """
        CREATE TABLE channel_sources (
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            source TEXT NOT NULL,
            bound_by TEXT,
            bound_at TEXT NOT NULL,
            PRIMARY KEY (team_id, channel_id)
        );
        ALTER TABLE datasets ADD COLUMN source TEXT
        """,
    )


@MIGRATIONS()
def m013_export_records(db: sqlite_utils.Database) -> None:
    """An export's facts as one JSON value (``ExportRecord``) on datasets and pending uploads;
    where each line of history starts; which dataset a decided upload went into; the file an
    upload waiting for its columns keeps (so answering does not download it again)."""
    _run_script(
        db,
        "ALTER TABLE datasets ADD COLUMN export TEXT; ALTER TABLE datasets ADD COLUMN line_start"
        " INTEGER; ALTER TABLE dataset_appends ADD COLUMN export TEXT; ALTER TABLE dataset_appends"
        " ADD COLUMN stored_dataset_id INTEGER; ALTER TABLE mapping_requests ADD COLUMN kept TEXT",
    )


@MIGRATIONS()
def m015_products(db: sqlite_utils.Database) -> None:
    """What each segment over-indexes on (JSON); each customer's next and usual products."""
    _run_script(db, PRODUCT_COLUMNS)
