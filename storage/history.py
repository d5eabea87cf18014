"""Reading runs back: one by id, the latest finished one, and the recent list of a scope."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from segmentation.summary import RunParams, RunSummary
from storage.records import RunRecord, Scope
from storage.sql import first, from_json

# Everything a RunRecord holds except the summary, which can be large.
RECORD_COLUMNS = (
    "runs.id, runs.dataset_id, runs.team_id, runs.channel_id, runs.trigger, runs.status, "
    "runs.error, runs.param_k, runs.param_as_of, runs.param_random_state, runs.k, runs.as_of, "
    "runs.requested_by, runs.created_at, runs.finished_at, runs.fingerprint, datasets.file_name, "
    "datasets.customers, COALESCE(datasets.line_start, 0) AS line"
)
FROM_SCOPE = (
    "FROM runs JOIN datasets ON datasets.id = runs.dataset_id "
    "WHERE runs.team_id = ? AND runs.channel_id = ?"
)


def run_for(db: sqlite_utils.Database, run_id: int, scope: Scope) -> RunRecord | None:
    """One run of this scope (any status, with its summary when done), or None."""
    row = first(
        db.query(
            f"SELECT {RECORD_COLUMNS}, runs.summary {FROM_SCOPE} AND runs.id = ?",
            (scope.team_id, scope.channel_id, run_id),
        )
    )
    return None if row is None else _record(row)


def latest_run(db: sqlite_utils.Database, scope: Scope) -> RunRecord | None:
    """The scope's most recent finished ('done') run with its summary, or None."""
    row = first(
        db.query(
            f"SELECT {RECORD_COLUMNS}, runs.summary {FROM_SCOPE} AND runs.status = 'done' "
            "ORDER BY runs.id DESC LIMIT 1",
            (scope.team_id, scope.channel_id),
        )
    )
    return None if row is None else _record(row)


def has_results(db: sqlite_utils.Database, dataset_id: int) -> bool:
    """Whether a run of ``dataset_id`` finished ('done')."""
    found = db.execute(
        "SELECT 1 FROM runs WHERE dataset_id = ? AND status = 'done' LIMIT 1", (dataset_id,)
    ).fetchone()
    return found is not None


def runs_for(db: sqlite_utils.Database, scope: Scope, limit: int = 10) -> list[RunRecord]:
    """The scope's runs of any status, newest first, at most ``limit``; ``summary`` is None."""
    rows = db.query(
        f"SELECT {RECORD_COLUMNS}, NULL AS summary {FROM_SCOPE} ORDER BY runs.id DESC LIMIT ?",
        (scope.team_id, scope.channel_id, limit),
    )
    return [_record(row) for row in rows]


def _record(row: dict) -> RunRecord:
    """A row of RECORD_COLUMNS plus ``summary`` (JSON or NULL) as a RunRecord."""
    row = dict(row)
    as_of = row.pop("param_as_of")
    params = RunParams(
        k=row.pop("param_k"),
        as_of=None if as_of is None else dt.date.fromisoformat(as_of[:10]),
        random_state=row.pop("param_random_state") or 0,
    )
    summary = from_json(row.pop("summary"))
    if summary is not None and row["status"] == "done":
        summary = RunSummary.from_json(summary)
    else:
        summary = None
    return RunRecord(**row, params=params, summary=summary)
