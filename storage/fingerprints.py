"""What data a run saw, independent of the day recency was measured to, and which run a
digest last reported.

A run's ``fingerprint`` (stored in ``runs.fingerprint`` when the run is finished) is a sha256
over the audit's ``rows_read``/``rows_kept`` and, per customer sorted by id, the days of their
last and first purchase, their number of orders, their spend and what they returned. The days
are ``as_of - recency_days`` and ``as_of - tenure_days``, so the same transactions measured to
another as-of give the same fingerprint, and one new line for one customer changes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
import sqlite_utils

from segmentation.result import SegmentationResult
from storage.history import run_for
from storage.records import RunRecord, Scope
from storage.sql import changed, first, utc_now

# The per-customer columns of ``customer_data``, in the order they are hashed.
DATA_COLUMNS = ("last_day", "first_day", "frequency", "spend_cents", "returns_cents")


def customer_data(customers: pd.DataFrame, as_of: dt.date | str) -> pd.DataFrame:
    """What each customer's data says, without the as-of: ``DATA_COLUMNS`` as integers (days
    are proleptic ordinals, money in cents), indexed by customer id (sorted).

    ``customers`` is a run's per-customer table (``SegmentationResult.customers`` or
    ``assignments_for``); ``as_of`` the run's as-of date (a date or ISO text). A missing
    first-order age (runs stored before they were kept) counts as -1.
    """
    day = pd.Timestamp(str(as_of)[:10]).date().toordinal()
    ordered = customers.sort_index()

    def whole(values: pd.Series) -> np.ndarray:
        return pd.to_numeric(values).fillna(-1).to_numpy().astype(np.int64)

    def cents(values: pd.Series) -> np.ndarray:
        return np.rint(np.round(pd.to_numeric(values).fillna(0).to_numpy(float), 2) * 100)

    tenure = ordered["tenure_days"] if "tenure_days" in ordered else pd.Series(-1, ordered.index)
    return pd.DataFrame(
        {
            "last_day": day - whole(ordered["recency_days"]),
            "first_day": day - whole(tenure),
            "frequency": whole(ordered["frequency"]),
            "spend_cents": cents(ordered["total_spend"]).astype(np.int64),
            "returns_cents": cents(ordered["returns_value"]).astype(np.int64),
        },
        index=ordered.index.astype(str),
    )


def data_fingerprint(result: SegmentationResult) -> str:
    """The run's data fingerprint (hex sha256), the same for any as-of of the same data."""
    summary = result.summary
    data = customer_data(result.customers, summary.as_of)
    digest = hashlib.sha256(f"{summary.rows_read}:{summary.rows_kept}:{len(data)}\n".encode())
    digest.update("\n".join(data.index).encode())
    for column in DATA_COLUMNS:
        digest.update(data[column].to_numpy().astype("<i8").tobytes())
    return digest.hexdigest()


def mark_digested(db: sqlite_utils.Database, run_id: int, scope: Scope) -> bool:
    """Record that a digest reported this finished run of the scope; False if there is none."""
    return changed(
        db,
        "UPDATE runs SET digested_at = ? "
        "WHERE id = ? AND team_id = ? AND channel_id = ? AND status = 'done'",
        (utc_now(), run_id, scope.team_id, scope.channel_id),
    )


def digested_run(db: sqlite_utils.Database, scope: Scope) -> RunRecord | None:
    """The finished run the scope's last digest reported (with its summary), or None."""
    row = first(
        db.query(
            "SELECT id FROM runs WHERE team_id = ? AND channel_id = ? AND status = 'done' "
            "AND digested_at IS NOT NULL ORDER BY digested_at DESC, id DESC LIMIT 1",
            (scope.team_id, scope.channel_id),
        )
    )
    return None if row is None else run_for(db, row["id"], scope)
