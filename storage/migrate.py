"""Bringing a database's schema up to date: the steps of ``storage.migrations`` it lacks, in
one transaction, after taking over the versions a pre-sqlite-migrate file recorded."""

from __future__ import annotations

import sqlite_utils
from sqlite_migrate import Migrations

import storage.campaign_migrations  # noqa: F401 (registers its steps after the released ones)
from storage.migrations import LEGACY_NAMES, LEGACY_TABLE, MIGRATIONS
from storage.sql import write_transaction


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database lacks; returns the names applied now ([] if none).

    Everything runs in one ``BEGIN IMMEDIATE`` transaction: two processes opening a new
    file at once queue on the write lock and the second finds nothing pending (sqlite-migrate
    checks what is pending before its own transactions), and a failing step leaves the file
    as it was.
    """
    if not db[LEGACY_TABLE].exists() and not MIGRATIONS.pending(db):
        return []
    with write_transaction(db):
        _adopt_legacy_versions(db)
        names = [migration.name for migration in MIGRATIONS.pending(db)]
        MIGRATIONS.apply(db)
    return names


def _adopt_legacy_versions(db: sqlite_utils.Database) -> None:
    """Record the steps a pre-sqlite-migrate file applied (with their dates); drop its table."""
    legacy = db[LEGACY_TABLE]
    if not legacy.exists():
        return
    MIGRATIONS.ensure_migrations_table(db)
    known = {migration.name for migration in MIGRATIONS.applied(db)}
    rows = list(legacy.rows_where(order_by="version"))
    if any(not 1 <= row["version"] <= len(LEGACY_NAMES) for row in rows):
        raise RuntimeError(f"Unknown schema version in {LEGACY_TABLE}: written by a newer segbot?")
    db[Migrations.migrations_table].insert_all(
        {"migration_set": MIGRATIONS.name, "name": name, "applied_at": row["applied_at"]}
        for row in rows
        if (name := LEGACY_NAMES[row["version"] - 1]) not in known
    )
    legacy.drop()
