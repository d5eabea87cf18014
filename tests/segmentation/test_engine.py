"""Cleaning and per-customer features (the engine on DuckDB) on tiny hand-computed frames."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from segmentation.engine import prepare_frame
from segmentation.load import load_export

EXPORT = (
    "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
    "1,A,2,2011-01-01 10:00,5.0,100\n"  # 10.00
    "1,B,1,2011-01-01 10:00,2.5,100\n"  # 2.50  (same invoice)
    "2,A,4,2011-01-09 12:00,5.0,100\n"  # 20.00
    "1,B,1,2011-01-01 10:00,2.5,100\n"  # exact duplicate of line 2: reported, kept
    "3,A,1,2011-01-05 09:00,8.0,200\n"  # 8.00
    "C4,A,-1,2011-01-06 09:00,8.0,200\n"  # cancellation: dropped, counted, a return of 8.00
    "5,A,3,2011-01-07 09:00,1.0,\n"  # no customer
    "6,A,0,2011-01-07 09:00,1.0,300\n"  # quantity 0
    "7,A,2,2011-01-07 09:00,0,300\n"  # price 0
    "8,A,2,not a date,1.0,300\n"  # unreadable date
)


def test_cleaning_counts_each_reason_once():
    export = load_export(EXPORT.encode(), name="x.csv")
    prepared = prepare_frame(export.transactions, rows_read=export.rows_read)
    audit = prepared.audit
    assert audit.rows_read == 10 and audit.rows_kept == 5 and audit.customers == 2
    assert audit.dropped == {
        "missing customer": 1,
        "unreadable date": 1,
        "quantity not positive": 2,
        "price not positive": 1,
    }
    assert audit.cancellations == 1 and audit.cancelled_lines == 1
    assert audit.duplicate_lines == 1
    assert audit.total_spend == 43.0
    assert audit.first_purchase == pd.Timestamp("2011-01-01 10:00")
    assert audit.last_purchase == pd.Timestamp("2011-01-09 12:00")


def test_features_by_hand():
    export = load_export(EXPORT.encode(), name="x.csv")
    prepared = prepare_frame(export.transactions)
    assert prepared.as_of == dt.date(2011, 1, 10)  # the day after the last purchase
    features = prepared.customers
    expected = pd.DataFrame(
        {
            "recency_days": [1, 5],
            "frequency": [2, 1],
            "average_spend": [35.0 / 2, 8.0],
            "total_spend": [35.0, 8.0],
            "tenure_days": [9, 5],
            "returns_value": [0.0, 8.0],  # C4 returned 8.00 of 200's purchases
        },
        index=pd.Index(["100", "200"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(features, expected)


def test_as_of_moves_recency_and_ignores_later_purchases():
    export = load_export(EXPORT.encode(), name="x.csv")
    features = prepare_frame(export.transactions, as_of=dt.date(2011, 1, 8)).customers
    assert features.to_dict("index") == {
        "100": {
            "recency_days": 7, "frequency": 1, "average_spend": 15.0, "total_spend": 15.0,
            "tenure_days": 7, "returns_value": 0.0,
        },
        "200": {
            "recency_days": 3, "frequency": 1, "average_spend": 8.0, "total_spend": 8.0,
            "tenure_days": 3, "returns_value": 8.0,
        },
    }
    earlier = prepare_frame(export.transactions, as_of=dt.date(2011, 1, 6)).customers
    assert earlier.loc["200", "returns_value"] == 0.0  # C4 is dated 6 Jan: not yet returned


def test_without_invoices_each_customer_timestamp_is_one_transaction():
    data = (
        "customer,date,amount\na,2023-01-01 10:00,5\na,2023-01-01 10:00,7\na,2023-01-02 09:00,1\n"
    )
    transactions = load_export(data.encode(), name="x.csv").transactions
    features = prepare_frame(transactions, as_of=dt.date(2023, 1, 3)).customers
    assert features.loc["a"].to_dict() == {
        "recency_days": 1.0,
        "frequency": 2.0,
        "average_spend": 6.5,
        "total_spend": 13.0,
        "tenure_days": 2.0,
        "returns_value": 0.0,
    }
    assert np.issubdtype(features["frequency"].dtype, np.integer)


def test_real_data_figures_stay_those_of_the_uci_export(real_path):
    """The engine's audit of the real UCI data: the figures segbot has always reported."""
    real_export = load_export(real_path)
    prepared = prepare_frame(real_export.transactions, rows_read=real_export.rows_read)
    audit = prepared.audit
    assert (audit.rows_read, audit.rows_kept, audit.customers) == (541_909, 397_884, 4_338)
    assert audit.dropped == {
        "missing customer": 135_080, "quantity not positive": 8_905, "price not positive": 40,
    }
    assert (audit.cancellations, audit.cancelled_lines, audit.duplicate_lines) == (3_836, 9_288, 5_270)
    assert round(audit.total_spend, 2) == 8_911_407.90
    assert prepared.as_of == dt.date(2011, 12, 10)
    customers = prepared.customers
    assert len(customers) == 4_338 and customers.index.is_monotonic_increasing
    assert customers["frequency"].sum() == 18_532  # distinct invoices, each counted once
    assert round(customers["total_spend"].sum(), 2) == 8_911_407.90
    assert customers["recency_days"].min() == 1 and customers["recency_days"].max() == 374
