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


# Predictions are checked on the export's own last stretch: the 90 days they are made for,
# or the last third of a shorter history, so that two thirds are left to fit on. Under four
# weeks the stretch says too little about a rate to be a check.
CHECK_DAYS = 90
MIN_CHECK_DAYS = 28


@dataclass(frozen=True)
class Holdout:
    """The customers as they were on ``start``, and what they did from then to ``end``.

    ``customers`` holds ``CUSTOMER_FEATURES`` measured to ``start`` (the orders before it
    only, so only customers who had bought by then), plus ``held_orders`` and ``held_spend``:
    each customer's orders and their spend from ``start`` up to ``end`` (the run's as-of).
    """

    start: dt.date
    end: dt.date
    customers: pd.DataFrame

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Prepared:
    """The audit, the as-of the features are measured to, and the features themselves.

    ``customers`` is indexed by ``customer_id`` (str, sorted) with ``CUSTOMER_FEATURES``:
    whole days from the last and the first purchase's date to ``as_of``, distinct orders,
    spend per order, total spend and the value of returned lines; only customers who bought
    before ``as_of`` are in it. ``holdout`` is the last stretch kept apart to check the
    predictions on (None when the history is too short to hold one out).
    """

    audit: CleaningAudit
    as_of: dt.date
    customers: pd.DataFrame
    holdout: Holdout | None = None


def default_as_of(last_purchase: pd.Timestamp) -> dt.date:
    """The day after the last purchase in the data."""
    return (last_purchase.normalize() + pd.Timedelta(days=1)).date()


def check_start(first_purchase: pd.Timestamp, as_of: dt.date) -> dt.date | None:
    """The first day of the stretch held out to check predictions: ``CHECK_DAYS`` before
    ``as_of``, or a third of the history when that is shorter; None under ``MIN_CHECK_DAYS``."""
    span = (as_of - first_purchase.date()).days
    days = min(CHECK_DAYS, span // 3)
    return None if days < MIN_CHECK_DAYS else as_of - dt.timedelta(days=days)
