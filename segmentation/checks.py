"""Checks a run makes before clustering, each raising a plain sentence for the person."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from segmentation.errors import NotEnoughCustomersError
from segmentation.summary import FEATURES

MIN_CUSTOMERS_PER_SEGMENT = 3
# An as-of this long after the last purchase is a slip (9999-12-31), not a question: refused.
# Generous, because a weekly digest measures an old export to today (the scheduler tests
# measure 2011 data to 2030); /segment run also refuses as-of dates outside 1900-2099.
AS_OF_YEARS_AFTER = 50


def check_as_of(as_of: dt.date, first_purchase: pd.Timestamp, last_purchase: pd.Timestamp) -> None:
    """A plain error when nobody had bought yet by ``as_of``, or when ``as_of`` is so long
    after the last purchase (``AS_OF_YEARS_AFTER``) that every recency would be decades."""
    first, last = first_purchase.date(), last_purchase.date()
    if as_of <= first:
        raise NotEnoughCustomersError(
            f"Nobody had bought anything before {as_of.isoformat()}: the first purchase in the "
            f"data is on {first.isoformat()}. Choose a later as-of date."
        )
    latest = last + dt.timedelta(days=round(365.25 * AS_OF_YEARS_AFTER))
    if as_of > latest:
        raise NotEnoughCustomersError(
            f"As-of {as_of.isoformat()} is more than {AS_OF_YEARS_AFTER} years after the last "
            f"purchase in the data ({last.isoformat()}), so every customer would look long "
            f"gone. Choose a date between {first.isoformat()} and {latest.isoformat()}."
        )


def check_distinct(features: pd.DataFrame, k: int | None) -> None:
    """A plain error when customers cannot be told apart: all have the same recency,
    frequency and spend, or fewer kinds of customer differ than the ``k`` asked for."""
    kinds = len(features[list(FEATURES)].drop_duplicates())
    if kinds == 1:
        raise NotEnoughCustomersError(
            f"All {len(features):,} customers look the same (same recency, number of orders "
            "and spend), so there are no segments to find. Upload an export with their real, "
            "differing purchases."
        )
    if k is not None and kinds < k:
        raise NotEnoughCustomersError(
            f"The customers fall into only {kinds} different kinds (by recency, number of "
            f"orders and spend), too few for {k} segments. Choose k={kinds} or fewer."
        )


def check_enough(n: int, k: int | None, as_of: dt.date, total: int) -> None:
    needed = (k or 2) * MIN_CUSTOMERS_PER_SEGMENT
    if n >= needed:
        return
    before = f" before {as_of.isoformat()}" if n < total else ""
    ask = f"{k} segments" if k else "segments"
    raise NotEnoughCustomersError(
        f"Only {n} customer(s) bought{before}; {ask} need at least {needed}. "
        "Upload a longer export, choose a smaller k, or a later as-of date."
    )
