"""A finished run's segments and per-customer assignments: written by ``record_run``, read here.

Every read joins ``runs`` on team and channel, so a run id from another
channel finds nothing.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from segmentation.affinity import SegmentProducts
from segmentation.facts import PREDICTED, SegmentFacts
from segmentation.lifecycle import STATES
from segmentation.result import CUSTOMER_COLUMNS, PRODUCT_COLUMNS
from segmentation.summary import FEATURES, Medians, Segment
from storage.records import CustomerRow, Scope
from storage.sql import first, from_json, to_json

IN_SCOPE = "JOIN runs ON runs.id = {table}.run_id AND runs.team_id = ? AND runs.channel_id = ?"
ASSIGNMENT_DTYPES = {
    "customer_id": "str",
    "recency_days": "int64",
    "frequency": "int64",
    "average_spend": "float64",
    "total_spend": "float64",
    "returns_value": "float64",
    "segment": "int64",
    "tenure_days": "Int64",  # NULL for runs stored before first-order ages were kept
    "lifecycle": pd.CategoricalDtype(STATES),
    # NULL (NaN) for runs without predictions, or stored before they were made
    **dict.fromkeys(PREDICTED, "float64"),
    **dict.fromkeys(PRODUCT_COLUMNS, "str"),  # NULL (missing) for runs stored before products
}
ASSIGNMENT_COLUMNS = (
    "segment", *FEATURES, "returns_value", "tenure_days", "lifecycle", *PREDICTED,
    *PRODUCT_COLUMNS,
)  # fmt: skip


def replace_segments(db: sqlite_utils.Database, run_id: int, segments: tuple[Segment, ...]) -> None:
    """Write the run's segments in place of any it had; call inside a transaction."""
    db["segments"].delete_where("run_id = ?", [run_id])
    db["segments"].insert_all(
        {
            "run_id": run_id,
            "segment": s.id,
            "name": s.name,
            "customers": s.customers,
            "revenue": s.revenue,
            "share": s.share,
            "revenue_share": s.revenue_share,
            **{f"median_{feature}": getattr(s.median, feature) for feature in FEATURES},
            "strategies": to_json(list(s.strategies)),
            "strategy_keys": to_json(list(s.strategy_keys)),
            "levels": to_json(dict(s.levels)),
            "facts": None if s.facts is None else to_json(s.facts.to_json()),
            "products": None if s.products is None else to_json(s.products.to_json()),
        }
        for s in segments
    )


def replace_assignments(db: sqlite_utils.Database, run_id: int, customers: pd.DataFrame) -> None:
    """Write one row per customer in one ``executemany``; call inside a transaction.

    Not ``insert_all``: it builds a dict and converts each value row by row, several
    times slower for 43k customers than handing sqlite3 whole columns. Columns are
    turned into Python lists first: sqlite3 cannot bind numpy integers, and
    ``tolist()`` is much faster than converting row by row. A NaN prediction is stored as
    NULL (SQLite binds a NaN double as NULL).
    """
    db["assignments"].delete_where("run_id = ?", [run_id])
    ids = customers.index.astype(str).tolist()
    columns = [customers[name].astype(object).tolist() for name in ASSIGNMENT_COLUMNS]
    db.conn.executemany(
        f"INSERT INTO assignments (run_id, customer_id, {', '.join(ASSIGNMENT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(ASSIGNMENT_COLUMNS) + 2))})",
        zip([run_id] * len(ids), ids, *columns, strict=True),
    )


def segments_for(db: sqlite_utils.Database, run_id: int, scope: Scope) -> tuple[Segment, ...]:
    """The run's segments by id; () if the run is not this scope's or has none."""
    rows = db.query(
        f"SELECT segments.* FROM segments {IN_SCOPE.format(table='segments')} "
        "WHERE segments.run_id = ? ORDER BY segments.segment",
        (scope.team_id, scope.channel_id, run_id),
    )
    return tuple(_segment(row) for row in rows)


def assignments_for(db: sqlite_utils.Database, run_id: int, scope: Scope) -> pd.DataFrame:
    """Per-customer rows like ``SegmentationResult.customers`` (indexed by customer_id).

    Empty (with the same columns) when the run is not this scope's or has none. Runs stored
    before first-order ages and lifecycle states were kept have them empty (``tenure_days``
    is then a nullable integer column); runs without predictions have them NaN.
    """
    cursor = db.execute(
        f"SELECT customer_id, {', '.join(CUSTOMER_COLUMNS)} FROM assignments "
        f"{IN_SCOPE.format(table='assignments')} "
        "WHERE assignments.run_id = ? ORDER BY assignments.rowid",
        (scope.team_id, scope.channel_id, run_id),
    )
    frame = pd.DataFrame.from_records(cursor.fetchall(), columns=["customer_id", *CUSTOMER_COLUMNS])
    frame = frame.astype(ASSIGNMENT_DTYPES).set_index("customer_id")
    if frame["tenure_days"].notna().all():  # every run stored since first-order ages are kept
        frame["tenure_days"] = frame["tenure_days"].astype("int64")
    return frame


def assignment_for(
    db: sqlite_utils.Database, run_id: int, customer_id: str, scope: Scope
) -> CustomerRow | None:
    """One customer's segment and features in the run, or None (also for another scope's run)."""
    row = first(
        db.query(
            f"SELECT customer_id, {', '.join(CUSTOMER_COLUMNS)} FROM assignments "
            f"{IN_SCOPE.format(table='assignments')} "
            "WHERE assignments.run_id = ? AND assignments.customer_id = ?",
            (scope.team_id, scope.channel_id, run_id, str(customer_id)),
        )
    )
    return None if row is None else CustomerRow(**row)


def assignments_ignoring_case(
    db: sqlite_utils.Database, run_id: int, customer_id: str, scope: Scope, *, limit: int = 5
) -> list[CustomerRow]:
    """Up to ``limit`` customers of the run whose id equals ``customer_id`` but for the case of
    its ASCII letters (SQLite's NOCASE), in id order."""
    rows = db.query(
        f"SELECT customer_id, {', '.join(CUSTOMER_COLUMNS)} FROM assignments "
        f"{IN_SCOPE.format(table='assignments')} "
        "WHERE assignments.run_id = ? AND assignments.customer_id = ? COLLATE NOCASE "
        "ORDER BY assignments.customer_id LIMIT ?",
        (scope.team_id, scope.channel_id, run_id, str(customer_id), limit),
    )
    return [CustomerRow(**row) for row in rows]


def _segment(row: dict) -> Segment:
    return Segment(
        id=row["segment"],
        name=row["name"],
        customers=row["customers"],
        share=row["share"],
        revenue=row["revenue"],
        revenue_share=row["revenue_share"],
        median=Medians(**{feature: row[f"median_{feature}"] for feature in FEATURES}),
        strategies=tuple(from_json(row["strategies"]) or ()),
        strategy_keys=tuple(from_json(row["strategy_keys"]) or ()),
        levels=from_json(row["levels"]) or {},
        facts=None if row.get("facts") is None else SegmentFacts.from_json(from_json(row["facts"])),
        products=SegmentProducts.from_json(from_json(row.get("products"))),
    )
