"""What the engine hands back to Python: the cleaning audit and one row per customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

# The per-customer columns every engine path returns, indexed by ``customer_id`` (sorted).
CUSTOMER_FEATURES = (
    "recency_days",
    "frequency",
    "average_spend",
    "total_spend",
    "tenure_days",
    "returns_value",
)


@dataclass(frozen=True)
class CleaningAudit:
    """What cleaning kept and dropped, for the summary a marketer reads."""

    rows_read: int
    rows_kept: int
    customers: int
    total_spend: float
    dropped: dict[str, int] = field(default_factory=dict)
    cancellations: int = 0
    cancelled_lines: int = 0
    duplicate_lines: int = 0
    first_purchase: pd.Timestamp | None = None
    last_purchase: pd.Timestamp | None = None


@dataclass(frozen=True)
class Prepared:
    """The audit, the as-of the features are measured to, and the features themselves.

    ``customers`` is indexed by ``customer_id`` (str, sorted) with ``CUSTOMER_FEATURES``:
    whole days from the last and the first purchase's date to ``as_of``, distinct orders,
    spend per order, total spend and the value of returned lines; only customers who bought
    before ``as_of`` are in it.
    """

    audit: CleaningAudit
    as_of: dt.date
    customers: pd.DataFrame


def default_as_of(last_purchase: pd.Timestamp) -> dt.date:
    """The day after the last purchase in the data."""
    return (last_purchase.normalize() + pd.Timedelta(days=1)).date()
