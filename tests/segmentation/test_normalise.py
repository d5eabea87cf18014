"""Normalising raw columns: dictionary columns (what readers give) read like plain text,
each distinct value once, and the lines keep their own values."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from segmentation.load.normalise import normalise

MAPPING = {"customer": "Customer", "invoice": "Invoice", "date": "Date", "amount": "Amount"}
TEXTS = {
    "customer": ["b", " 17850.0", None, "17850", "b", "x"],
    "invoice": ["1", "2", "2", None, "3", "4"],
    "date": ["12/1/2010 8:26", None, "12/13/2010 9:01", "12/1/2010 8:26", "bad", "1/2/2011"],
    "amount": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
}


def _dictionary(values: list, order: list[str]) -> pa.DictionaryArray:
    """``values`` over a dictionary in the given order, with entries no line uses."""
    indices = [None if v is None else order.index(v) for v in values]
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(order))


def test_dictionary_columns_give_the_same_table_as_text_columns():
    # Entries in an order other than first appearance, some used by no line: the table
    # must depend on neither.
    encoded = pa.table(
        {
            "customer": _dictionary(TEXTS["customer"], ["unused", "17850", "b", " 17850.0", "x"]),
            "invoice": _dictionary(TEXTS["invoice"], ["4", "3", "2", "1", "9"]),
            "date": pa.array(TEXTS["date"]).dictionary_encode(),
            "amount": TEXTS["amount"],
        }
    )
    plain = pa.table({field: pa.array(values) for field, values in TEXTS.items()})
    got, got_order, _, _ = normalise(encoded, MAPPING)
    expected, expected_order, _, _ = normalise(plain, MAPPING)
    assert got_order == expected_order
    for name in ("customer_id", "invoice", "timestamp", "amount"):
        assert got.column(name).to_pylist() == expected.column(name).to_pylist()
    assert got.column("customer_id").to_pylist() == ["b", "17850", None, "17850", "b", "x"]
    assert got.column("invoice").to_pylist() == ["1", "2", "2", None, "3", "4"]


def test_dates_keep_missing_and_unreadable_as_null():
    table, order, _, _ = normalise(pa.table({f: pa.array(v) for f, v in TEXTS.items()}), MAPPING)
    assert order.order == "month-first"
    assert table.column("timestamp").to_pylist() == [
        dt.datetime(2010, 12, 1, 8, 26),
        None,
        dt.datetime(2010, 12, 13, 9, 1),
        dt.datetime(2010, 12, 1, 8, 26),
        None,
        dt.datetime(2011, 1, 2),
    ]
