"""A finished run's segments and per-customer assignments: written by ``finish_run``, read here.

Every read joins ``runs`` on team and channel, so a run id from another
channel finds nothing.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from storage.db import from_json, one, to_json

FEATURES = ("recency_days", "frequency", "average_spend", "total_spend")
ASSIGNMENT_COLUMNS = (*FEATURES, "returns_value", "segment")
SCOPE = "JOIN runs ON runs.id = {table}.run_id AND runs.team_id = ? AND runs.channel_id = ?"


def replace_segments(db: sqlite_utils.Database, run_id: int, segments: list[dict]) -> None:
    """Write the run's segments (from ``to_dict()["segments"]``); call inside a transaction."""
    db.conn.execute("DELETE FROM segments WHERE run_id = ?", (run_id,))
    db.conn.executemany(
        "INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run_id,
                s["id"],
                s["name"],
                s["customers"],
                s["revenue"],
                s["share"],
                s["revenue_share"],
                *(s["median"].get(feature) for feature in FEATURES),
                to_json(s.get("strategies", [])),
                to_json(s.get("strategy_keys", [])),
                to_json(s.get("levels", {})),
            )
            for s in segments
        ],
    )


def replace_assignments(db: sqlite_utils.Database, run_id: int, customers: pd.DataFrame) -> None:
    """Write one row per customer in one ``executemany``; call inside a transaction.

    Columns are turned into Python lists first: sqlite3 cannot bind numpy
    integers, and ``tolist()`` is much faster than converting row by row.
    """
    db.conn.execute("DELETE FROM assignments WHERE run_id = ?", (run_id,))
    ids = customers.index.astype(str).tolist()
    columns = [customers[name].tolist() for name in ("segment", *FEATURES, "returns_value")]
    db.conn.executemany(
        "INSERT INTO assignments (run_id, customer_id, segment, recency_days, frequency, "
        "average_spend, total_spend, returns_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        zip([run_id] * len(ids), ids, *columns, strict=True),
    )


def segments_for(
    db: sqlite_utils.Database, run_id: int, *, team_id: str, channel_id: str
) -> list[dict]:
    """The run's segments by id (medians as a dict, JSON decoded); [] if not this channel's run."""
    rows = db.query(
        f"SELECT segments.* FROM segments {SCOPE.format(table='segments')} "
        "WHERE segments.run_id = ? ORDER BY segments.segment",
        (team_id, channel_id, run_id),
    )
    return [_segment(row) for row in rows]


def assignments_for(
    db: sqlite_utils.Database, run_id: int, *, team_id: str, channel_id: str
) -> pd.DataFrame:
    """Per-customer rows like ``SegmentationResult.customers`` (indexed by customer_id).

    Empty (with the same columns) when the run is not this channel's or has none.
    """
    cursor = db.execute(
        "SELECT customer_id, recency_days, frequency, average_spend, total_spend, returns_value, "
        f"segment FROM assignments {SCOPE.format(table='assignments')} "
        "WHERE assignments.run_id = ? ORDER BY assignments.rowid",
        (team_id, channel_id, run_id),
    )
    frame = pd.DataFrame.from_records(
        cursor.fetchall(), columns=["customer_id", *ASSIGNMENT_COLUMNS]
    )
    return frame.astype(
        {
            "customer_id": "str",
            "recency_days": "int64",
            "frequency": "int64",
            "average_spend": "float64",
            "total_spend": "float64",
            "returns_value": "float64",
            "segment": "int64",
        }
    ).set_index("customer_id")


def assignment_for(
    db: sqlite_utils.Database, run_id: int, customer_id: str, *, team_id: str, channel_id: str
) -> dict | None:
    """One customer's segment and features in the run, or None."""
    return one(
        db,
        "SELECT customer_id, segment, recency_days, frequency, average_spend, total_spend, "
        f"returns_value FROM assignments {SCOPE.format(table='assignments')} "
        "WHERE assignments.run_id = ? AND assignments.customer_id = ?",
        (team_id, channel_id, run_id, str(customer_id)),
    )


def _segment(row: dict) -> dict:
    return {
        "id": row["segment"],
        "name": row["name"],
        "customers": row["customers"],
        "revenue": row["revenue"],
        "share": row["share"],
        "revenue_share": row["revenue_share"],
        "median": {feature: row[f"median_{feature}"] for feature in FEATURES},
        "strategies": from_json(row["strategies"]),
        "strategy_keys": from_json(row["strategy_keys"]),
        "levels": from_json(row["levels"]),
    }
