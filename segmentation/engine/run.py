"""Run the engine's queries: on any ibis backend, or on DuckDB in-process for an upload.

Three aggregate queries, whatever the size of the data: the audit, the number of different
lines, and one row per customer. Nothing else comes back to Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from segmentation.engine.columns import DROP_REASONS
from segmentation.engine.compiled import Query
from segmentation.engine.prepared import (
    CUSTOMER_FEATURES,
    CleaningAudit,
    Holdout,
    Prepared,
    check_start,
    default_as_of,
)
from segmentation.engine.remote import Backend

if TYPE_CHECKING:
    import ibis.expr.types as ir

# How a query's rows are got: ``run(query, *args, **kwargs)`` over the table being prepared.
Run = Callable[..., pd.DataFrame]
AUDIT = Query("segmentation.engine.query", "audit_query")
DIFFERENT_LINES = Query("segmentation.engine.query", "different_sold_lines")
CUSTOMERS = Query("segmentation.engine.query", "customers_query")


def prepare_table(
    table: ir.Table, *, rows_read: int | None = None, as_of: dt.date | None = None
) -> Prepared:
    """Audit and per-customer features of ``table`` (``columns.NORMALISED``), computed
    by the table's own backend. ``rows_read`` counts lines a reader skipped as malformed too;
    ``as_of`` defaults to the day after the last purchase (later purchases are ignored)."""
    engine = Backend({"transactions": table})
    run = engine.over("transactions")
    return prepare(run, rows_read=rows_read, as_of=as_of, backend=engine.backend.name)


def prepare(
    run: Run,
    *,
    rows_read: int | None,
    as_of: dt.date | None,
    backend: str = "duckdb",
) -> Prepared:
    """``prepare_table`` with the way to run a query over the table given (see ``local``),
    on the ``backend`` named (DuckDB, the default: ``local`` runs there)."""
    totals = run(AUDIT).iloc[0]
    different = run(DIFFERENT_LINES, backend=backend).iloc[0]
    audit = _audit(totals, int(different["distinct_lines"]), rows_read)
    if audit.rows_kept == 0:
        return Prepared(audit=audit, as_of=as_of or dt.date.min, customers=_empty())
    as_of = as_of or default_as_of(audit.last_purchase)
    # Only an as-of inside the data cuts purchases off (and a date far outside it may not
    # even fit the backend's timestamps: before the first purchase, that day cuts as much).
    first, last = audit.first_purchase.date(), audit.last_purchase.date()
    cutoff = None if as_of > last else max(as_of, first)
    # The check's stretch ends where the data do, even for an as-of long after them.
    check_end = min(as_of, default_as_of(audit.last_purchase))
    check_from = check_start(audit.first_purchase, check_end)
    rows = run(
        CUSTOMERS,
        as_of=cutoff,
        orders_by_invoice=bool(totals["kept_invoices"]),
        check_from=check_from,
    )
    # Everyone who ever bought is counted; those who bought before ``as_of`` are segmented.
    audit = replace(audit, customers=len(rows))
    bought = rows[rows["bought"].to_numpy() > 0]
    customers = _features(bought, as_of)
    holdout = None if check_from is None else _holdout(bought, check_from, check_end)
    return Prepared(audit=audit, as_of=as_of, customers=customers, holdout=holdout)


def _holdout(rows: pd.DataFrame, start: dt.date, end: dt.date) -> Holdout:
    """The customers measured to ``start`` from the ``check_*`` columns, with the orders and
    spend each placed from ``start`` on (the whole row's less the part before ``start``)."""
    before = rows[rows["check_frequency"].to_numpy() > 0]
    as_then = before[["customer_id"]].assign(
        first_purchase=before["check_first"],
        last_purchase=before["check_last"],
        frequency=before["check_frequency"],
        total_spend=before["check_spend"],
        returns_value=0.0,  # not needed to predict, and not measured before ``start``
    )
    customers = _features(as_then, start)
    after = _features(before, end)
    customers["held_orders"] = after["frequency"] - customers["frequency"]
    customers["held_spend"] = _money(after["total_spend"] - customers["total_spend"])
    return Holdout(start=start, end=end, customers=customers)


def _audit(totals: pd.Series, distinct_lines: int, rows_read: int | None) -> CleaningAudit:
    lines = int(totals["lines"])
    rows_read = lines if rows_read is None else rows_read
    dropped = {
        reason: int(totals[f"dropped_{i}"])
        for i, reason in enumerate(DROP_REASONS)
        if totals[f"dropped_{i}"]
    }
    if rows_read > lines:
        dropped["malformed line"] = rows_read - lines
    kept = int(totals["rows_kept"])
    return CleaningAudit(
        rows_read=rows_read,
        rows_kept=kept,
        customers=0,  # counted from the per-customer rows
        total_spend=_money(float(totals["total_spend"])) if kept else 0.0,
        dropped=dropped,
        cancellations=int(totals["cancellations"]),
        cancelled_lines=int(totals["cancelled_lines"]),
        duplicate_lines=lines - distinct_lines,
        first_purchase=_timestamp(totals["first_purchase"]) if kept else None,
        last_purchase=_timestamp(totals["last_purchase"]) if kept else None,
    )


def _features(rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Whole days to ``as_of`` from each customer's first and last purchase date, and spend
    per order, from the per-customer rows a backend returned."""
    today = np.datetime64(as_of, "D")
    last = pd.to_datetime(rows["last_purchase"]).to_numpy().astype("datetime64[D]")
    first = pd.to_datetime(rows["first_purchase"]).to_numpy().astype("datetime64[D]")
    frequency = rows["frequency"].to_numpy(dtype=np.int64)
    total = _money(rows["total_spend"].to_numpy(dtype=np.float64))
    features = pd.DataFrame(
        {
            "recency_days": (today - last).astype(np.int64),
            "frequency": frequency,
            "average_spend": total / frequency,
            "total_spend": total,
            "tenure_days": (today - first).astype(np.int64),
            "returns_value": _money(rows["returns_value"].fillna(0.0).to_numpy(dtype=np.float64)),
        },
        index=pd.Index(rows["customer_id"].astype(str), name="customer_id"),
    )
    return features.sort_index()


def _money(values):
    """Sums to a millionth: an engine adds in parallel, in whatever order its threads finish,
    so the last bits of a float sum differ from run to run, and the lifetime-value fit turns
    such noise into different cents. Money sums sit on cents (or a few decimals more), far
    from a millionth's rounding boundary: the same data gives the same numbers every time."""
    return np.round(values, 6)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="float64") for c in CUSTOMER_FEATURES},
        index=pd.Index([], dtype=str, name="customer_id"),
    )


def _timestamp(value: object) -> pd.Timestamp:
    """A backend's timestamp as a naive one (a timestamptz column comes back in UTC)."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(None) if stamp.tz else stamp
