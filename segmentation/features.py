"""Per-customer features: Recency, Frequency, Average spend, Total spend (and returns)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from segmentation.clean import cancellation_mask


def default_as_of(clean: pd.DataFrame) -> dt.date:
    """The day after the last purchase in the data."""
    return (clean["timestamp"].max().normalize() + pd.Timedelta(days=1)).date()


def customer_features(clean: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """One row per customer from cleaned transactions.

    Takes columns ``customer_id``, ``invoice``, ``timestamp``, ``amount`` and
    returns a frame indexed by ``customer_id`` (sorted) with ``recency_days``
    (whole days from the last purchase's date to ``as_of``), ``frequency``
    (distinct invoices; without invoices, distinct purchase times),
    ``average_spend`` (total / frequency), ``total_spend`` and ``tenure_days`` (whole days
    from the first purchase's date to ``as_of``). Purchases after ``as_of`` are ignored.
    """
    cutoff = pd.Timestamp(as_of)
    if clean["timestamp"].max() >= cutoff:
        clean = clean[clean["timestamp"] < cutoff]
    customer = clean["customer_id"].cat.remove_unused_categories()
    codes = customer.cat.codes.to_numpy()
    n = len(customer.cat.categories)
    total = np.bincount(codes, weights=clean["amount"].to_numpy(), minlength=n)
    if clean["invoice"].notna().any():
        order = clean["invoice"].cat.codes.to_numpy().astype(np.int64)
    else:
        order = pd.factorize(clean["timestamp"])[0].astype(np.int64)
    # One integer per (customer, transaction) pair; distinct pairs per customer = frequency.
    width = np.int64(order.max()) + 2
    pairs = pd.unique(codes.astype(np.int64) * width + order + 1)  # hashing: no sort needed
    frequency = np.bincount(pairs // width, minlength=n)
    days = clean["timestamp"].to_numpy().astype("datetime64[D]").astype(np.int64)
    last_day = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last_day, codes, days)
    first_day = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_day, codes, days)
    today = np.int64(cutoff.to_datetime64().astype("datetime64[D]").astype(np.int64))
    features = pd.DataFrame(
        {
            "recency_days": (today - last_day).astype(np.int64),
            "frequency": frequency.astype(np.int64),
            "average_spend": total / frequency,
            "total_spend": total,
            "tenure_days": (today - first_day).astype(np.int64),
        },
        index=pd.Index(customer.cat.categories.astype(str), name="customer_id"),
    )
    return features.sort_index()


def returns_by_customer(transactions: pd.DataFrame, *, as_of: dt.date | None = None) -> pd.Series:
    """Value of cancelled or returned lines per customer (positive numbers).

    Takes the normalised table before cleaning; a line counts when
    ``segmentation.clean.cancellation_mask`` says it is a cancellation or return
    ("C" + digits invoice, or negative quantity or amount), once however many of
    those it meets. Lines without a customer, and with ``as_of`` lines dated on or
    after it, are left out.
    """
    returned = cancellation_mask(transactions) & transactions["customer_id"].notna().to_numpy()
    if as_of is not None:
        returned &= (transactions["timestamp"] < pd.Timestamp(as_of)).to_numpy()
    lines = transactions[returned]
    values = lines["amount"].abs().groupby(lines["customer_id"], observed=True).sum()
    values.index = values.index.astype(str)
    return values.rename("returns_value")
