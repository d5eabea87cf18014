"""Calibration/holdout summaries from raw transactions, for checking the CLV models.

The models' published figures (CDNOW) and the holdout benchmark need (x, t_x, T) built the
way the papers build them, with purchases after a calibration date kept apart to score the
predictions. ``segmentation.clv.predict_customers`` does not need this module: it reads
segbot's customer table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd


def read_cdnow(path: str | Path) -> pd.DataFrame:
    """The CDNOW sample as published (whitespace-separated, no header).

    Returns columns ``customer`` (the master file's id), ``id`` (1..2,357 in the sample),
    ``date`` (Timestamp from YYYYMMDD), ``cds`` (number of CDs) and ``value`` (dollars).
    """
    frame = pd.read_csv(
        path,
        sep=r"\s+",
        header=None,
        names=["customer", "id", "date", "cds", "value"],
        dtype={"customer": str, "id": int, "date": str, "cds": int, "value": float},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def calibration_summary(
    customer: pd.Series,
    date: pd.Series,
    value: pd.Series,
    *,
    calibration_end: dt.date,
    holdout_end: dt.date | None = None,
    unit_days: float = 7,
) -> pd.DataFrame:
    """Per-customer (x, t_x, T), repeat mean value and holdout purchases.

    Takes one row per transaction. Purchases on one day count as one (their values
    summed), as in Fader, Hardie & Lee's CDNOW summary. Calibration is up to and including
    ``calibration_end``; only customers who bought by then are kept. Returns a frame
    indexed by customer with ``x`` (repeat purchase days), ``t_x`` and ``T`` (first
    purchase to last purchase / to ``calibration_end``, in ``unit_days``),
    ``mean_repeat_value`` (mean of repeat days' values, NaN when x = 0) and, with
    ``holdout_end``, ``holdout_x`` (purchase days after calibration up to and including it).
    """
    days = pd.DataFrame({"customer": customer.to_numpy(), "day": date.dt.normalize().to_numpy()})
    days["value"] = value.to_numpy()
    days = days.groupby(["customer", "day"], sort=True, observed=True)["value"].sum().reset_index()
    end = pd.Timestamp(calibration_end)
    calib = days[days["day"] <= end]
    grouped = calib.groupby("customer", sort=True, observed=True)
    first, last = grouped["day"].min(), grouped["day"].max()
    count, total = grouped["day"].size(), grouped["value"].sum()
    first_value = grouped["value"].first()  # days are sorted, so this is the first purchase
    x = (count - 1).astype(float)
    unit = pd.Timedelta(days=unit_days)
    summary = pd.DataFrame(
        {
            "x": x,
            "t_x": (last - first) / unit,
            "T": (end - first) / unit,
            "mean_repeat_value": ((total - first_value) / x.where(x > 0)).astype(float),
        }
    )
    if holdout_end is not None:
        after = days[(days["day"] > end) & (days["day"] <= pd.Timestamp(holdout_end))]
        held = after.groupby("customer", observed=True).size()
        summary["holdout_x"] = held.reindex(summary.index, fill_value=0).astype(float)
    return summary


def holdout_orders(
    customer: pd.Series, order: pd.Series, date: pd.Series, *, start: dt.date, end: dt.date
) -> pd.Series:
    """Distinct orders per customer with ``start`` ≤ date < ``end`` (customers with none absent)."""
    inside = ((date >= pd.Timestamp(start)) & (date < pd.Timestamp(end))).to_numpy()
    pairs = pd.DataFrame(
        {"customer": np.asarray(customer)[inside], "order": np.asarray(order)[inside]}
    )
    return pairs.drop_duplicates().groupby("customer", observed=True).size()


def cdnow_csv(path: str | Path) -> bytes:
    """The CDNOW sample as an export segbot reads: ``customer,date,amount``, one line per
    purchase (the sample's ``id``, the day, the dollars), as CSV bytes."""
    data = read_cdnow(path)
    frame = pd.DataFrame(
        {
            "customer": data["id"],
            "date": data["date"].dt.strftime("%Y-%m-%d"),
            "amount": data["value"],
        }
    )
    return frame.to_csv(index=False).encode()
