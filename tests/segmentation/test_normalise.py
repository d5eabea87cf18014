"""Normalising raw columns: categorical columns (what readers give) read like plain text."""

from __future__ import annotations

import pandas as pd

from segmentation.load.dates import parse_dates
from segmentation.load.normalise import normalise

MAPPING = {"customer": "Customer", "invoice": "Invoice", "date": "Date", "amount": "Amount"}
TEXTS = {
    "customer": ["b", " 17850.0", None, "17850", "b", "x"],
    "invoice": ["1", "2", "2", None, "3", "4"],
    "date": ["12/1/2010 8:26", None, "12/13/2010 9:01", "12/1/2010 8:26", "bad", "1/2/2011"],
    "amount": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
}


def test_categorical_columns_give_the_same_table_as_text_columns():
    # Categories in an order other than first appearance, some used by no row: the table
    # must not depend on either (readers' Arrow dictionaries have neither, but a caller's may).
    categorical = {
        "customer": pd.Categorical(
            TEXTS["customer"], categories=["unused", "17850", "b", " 17850.0", "zz", "x"]
        ),
        "invoice": pd.Categorical(TEXTS["invoice"], categories=["4", "3", "2", "1", "9"]),
        "date": pd.Categorical(TEXTS["date"]),
        "amount": TEXTS["amount"],
    }
    text = {field: pd.Series(values, dtype=object) for field, values in TEXTS.items()}
    got, got_order, _, _ = normalise(pd.DataFrame(categorical), MAPPING)
    expected, expected_order, _, _ = normalise(pd.DataFrame(text), MAPPING)
    pd.testing.assert_frame_equal(got, expected)
    assert got_order == expected_order
    assert got["customer_id"].cat.categories.tolist() == ["b", "17850", "x"]
    assert got["invoice"].cat.categories.tolist() == ["1", "2", "3", "4"]
    assert got["customer_id"].isna().tolist() == [False, False, True, False, False, False]


def test_categorical_dates_keep_missing_and_unreadable_as_nat():
    parsed, order = parse_dates(pd.Series(pd.Categorical(TEXTS["date"])))
    assert order.order == "month-first"
    assert parsed.tolist()[:3] == [
        pd.Timestamp("2010-12-01 08:26"),
        pd.NaT,
        pd.Timestamp("2010-12-13 09:01"),
    ]
    assert parsed.isna().tolist() == [False, True, False, False, True, False]
