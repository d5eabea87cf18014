"""Cleaning and per-customer features on tiny hand-computed frames."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from segmentation.clean import clean_transactions
from segmentation.features import customer_features, default_as_of, returns_by_customer
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
    clean, audit = clean_transactions(export.transactions, rows_read=export.rows_read)
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
    assert len(clean) == 5


def test_features_by_hand():
    export = load_export(EXPORT.encode(), name="x.csv")
    clean, _ = clean_transactions(export.transactions)
    as_of = default_as_of(clean)
    assert as_of == dt.date(2011, 1, 10)
    features = customer_features(clean, as_of=as_of)
    expected = pd.DataFrame(
        {
            "recency_days": [1, 5],
            "frequency": [2, 1],
            "average_spend": [35.0 / 2, 8.0],
            "total_spend": [35.0, 8.0],
            "tenure_days": [9, 5],
        },
        index=pd.Index(["100", "200"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(features, expected)
    returns = returns_by_customer(export.transactions)
    assert returns.to_dict() == {"200": 8.0}


def test_as_of_moves_recency_and_ignores_later_purchases():
    export = load_export(EXPORT.encode(), name="x.csv")
    clean, _ = clean_transactions(export.transactions)
    features = customer_features(clean, as_of=dt.date(2011, 1, 8))
    assert features.to_dict("index") == {
        "100": {
            "recency_days": 7, "frequency": 1, "average_spend": 15.0, "total_spend": 15.0,
            "tenure_days": 7,
        },
        "200": {
            "recency_days": 3, "frequency": 1, "average_spend": 8.0, "total_spend": 8.0,
            "tenure_days": 3,
        },
    }


def test_without_invoices_each_customer_timestamp_is_one_transaction():
    data = (
        "customer,date,amount\na,2023-01-01 10:00,5\na,2023-01-01 10:00,7\na,2023-01-02 09:00,1\n"
    )
    clean, _ = clean_transactions(load_export(data.encode(), name="x.csv").transactions)
    features = customer_features(clean, as_of=dt.date(2023, 1, 3))
    assert features.loc["a"].to_dict() == {
        "recency_days": 1.0,
        "frequency": 2.0,
        "average_spend": 6.5,
        "total_spend": 13.0,
        "tenure_days": 2.0,
    }
    assert np.issubdtype(features["frequency"].dtype, np.integer)
