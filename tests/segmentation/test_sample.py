"""The store profiles of ``segmentation.sample.store_export`` are what their docs say."""

from __future__ import annotations

import pandas as pd
import pytest

from segmentation.load import load_export
from segmentation.pipeline import segment_export
from segmentation.sample import STORES, SUPERSTORE_COLUMNS, store_export


def _value(lines: pd.DataFrame) -> pd.Series:
    return (lines["Quantity"] * lines["UnitPrice"]).abs().groupby(lines["CustomerID"]).sum()


def _bought_and_returned(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    named = frame[frame["CustomerID"].notna() & (frame["UnitPrice"] > 0)]
    returned = named["InvoiceNo"].str.fullmatch(r"C\d+")
    return named[~returned], named[returned]


@pytest.mark.parametrize("kind", list(STORES))
def test_a_store_is_the_same_for_the_same_seed(kind: str) -> None:
    assert store_export(kind, rows=3000, seed=4).equals(store_export(kind, rows=3000, seed=4))
    assert not store_export(kind, rows=3000, seed=4).equals(store_export(kind, rows=3000, seed=5))


def test_unknown_kind_names_the_kinds() -> None:
    with pytest.raises(ValueError, match="one-time-heavy"):
        store_export("boutique")


def test_one_time_heavy_store() -> None:
    bought, _ = _bought_and_returned(store_export("one-time-heavy"))
    orders = bought.groupby("CustomerID")["InvoiceNo"].nunique()
    assert 0.8 <= (orders == 1).mean() <= 0.9
    assert (bought["InvoiceDate"].max() - bought["InvoiceDate"].min()).days >= 360


def test_lapsed_heavy_store() -> None:
    frame = store_export("lapsed-heavy")
    bought, _ = _bought_and_returned(frame)
    days = (frame["InvoiceDate"].max() - bought.groupby("CustomerID")["InvoiceDate"].max()).dt.days
    assert days.between(182, 366).mean() > 0.6


def test_returns_heavy_store() -> None:
    bought, returned = _bought_and_returned(store_export("returns-heavy"))
    assert (returned["Quantity"] < 0).all()
    share = (_value(returned) / _value(bought)).dropna()
    assert (share >= 0.5).sum() >= 0.15 * bought["CustomerID"].nunique()
    assert 20 <= (share > 0.999).sum() <= 30  # the 20 who return everything, and a few more


def test_new_only_store() -> None:
    frame = store_export("new-only")
    bought, returned = _bought_and_returned(frame)
    assert returned.empty
    assert (bought.groupby("CustomerID")["InvoiceNo"].nunique() == 1).all()
    assert (frame["InvoiceDate"].max() - frame["InvoiceDate"].min()).days <= 21


@pytest.mark.parametrize("seed", [0, 1])
def test_superstore_has_its_own_layout_and_no_cancellations(seed: int) -> None:
    frame = store_export("superstore", rows=5000, seed=seed)
    assert tuple(frame.columns) == SUPERSTORE_COLUMNS
    assert frame["Order ID"].str.fullmatch(r"(CA|US)-20\d\d-\d{6}").all()
    assert frame["Order ID"].str.startswith("CA-").any()
    pattern = r"\d{1,2}/\d{1,2}/\d{4}" if seed % 2 else r"\d{1,2}-[A-Z][a-z]{2}-\d{2}"
    assert frame["Order Date"].str.fullmatch(pattern).all()
    export = load_export(frame.to_csv(index=False).encode(), name="superstore.csv")
    assert export.mapping["customer"] == "Customer Name"
    summary = segment_export(export).summary
    assert (summary.cancellations, summary.returned_value) == (0, 0)
    if seed % 2:
        assert summary.date_order == "month-first"
    assert summary.last_purchase.startswith("2020-12-")
