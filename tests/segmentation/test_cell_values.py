"""One cell's reading (``segmentation.load.values``), on DuckDB as an upload's distinct
values are read: numbers as people write them, ids, dates in a decided order."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from segmentation.load.cells import evaluate, run_lines
from segmentation.load.dates import date_reading
from segmentation.load.orders import rules_for

NUMBERS = [
    ("12.50", 12.5),
    ("£1,234.50", 1234.5),
    ("1.234,50", 1234.5),
    ("1,234", 1234.0),
    ("1,5", 1.5),
    ("EUR 12", 12.0),
    ("(3)", -3.0),
    ("-4", -4.0),
    ("1e3", 1000.0),
    (" 7 ", 7.0),
    ("N/A", None),
    ("", None),
    ("abc", None),
    (None, None),
]


def test_numbers_read_as_people_write_them() -> None:
    texts = pa.array([text for text, _ in NUMBERS], pa.string())
    assert evaluate(texts, "number").to_pylist() == [number for _, number in NUMBERS]


def test_ids_are_text_without_a_spreadsheet_s_decimal_and_blanks_are_null() -> None:
    texts = pa.array([" 17850.0", "17850", "C536379", "nan", "", "  ", "12.5", None])
    got = evaluate(texts, "identifier").to_pylist()
    assert got == ["17850", "17850", "C536379", None, None, None, "12.5", None]
    floats = pa.array([17850.0, 12.5, None, float("nan")])
    assert evaluate(floats, "identifier").to_pylist() == ["17850", "12.5", None, "nan"]


@pytest.mark.parametrize(
    ("texts", "order", "first"),
    [
        (["13/01/2011 08:05", "02/01/2011 9:00"], "day-first", dt.datetime(2011, 1, 13, 8, 5)),
        (["1/13/2011 8:05", "1/2/2011"], "month-first", dt.datetime(2011, 1, 13, 8, 5)),
        (["11-Feb-17", "1-Mar-17"], "day-first", dt.datetime(2017, 2, 11)),
        (["2023-05-01 10:22:33 -0400", "2023-05-02"], "ISO", dt.datetime(2023, 5, 1, 14, 22, 33)),
        (["2011-12-09T08:50:00+01:00"], "ISO", dt.datetime(2011, 12, 9, 7, 50)),
    ],
)
def test_dates_read_in_the_order_the_file_shows(texts, order, first) -> None:
    array = pa.array(texts)
    formats, found = date_reading(array)
    assert found.order == order
    assert evaluate(array, "timestamp", formats).to_pylist()[0] == first


# More values than one of DuckDB's row groups (122,880) several times over: a reading's
# list of values becomes a join, which hands them back in whatever order its threads finish.
MANY = 500_000


def test_many_ids_are_read_back_in_their_order() -> None:
    ids = [f"{i}.0" if i % 3 else f"C{i}" for i in range(MANY)]
    got = evaluate(pa.array(ids), "identifier").to_pylist()
    assert got == [text.removesuffix(".0") for text in ids]


def test_many_numbers_and_statuses_are_read_back_in_their_order() -> None:
    numbers = [f"£{i:,}.50" for i in range(MANY)]
    assert evaluate(pa.array(numbers), "number").to_pylist() == [i + 0.5 for i in range(MANY)]
    words = ["paid", "refunded", "pending", "cancelled", "completed", "wc-processing", ""]
    shown = [f"{words[i % len(words)]}" for i in range(MANY)]
    meant = evaluate(pa.array(shown), "status").to_pylist()
    by_word = dict(zip(words, evaluate(pa.array(words), "status").to_pylist(), strict=True))
    assert meant == [by_word[word] for word in shown]


def test_many_lines_keep_their_order_through_the_line_rules() -> None:
    quantity = pa.array(np.arange(MANY, dtype=np.float64) % 97 + 1)
    price = pa.array(np.arange(MANY, dtype=np.float64) % 13 + 0.5)
    numbers = {"quantity": quantity, "price": price}
    rules = rules_for({"quantity", "price"}, {}, None)
    lines = run_lines({}, numbers, pa.nulls(MANY, pa.int32()), rules, {})
    expected = quantity.to_numpy() * price.to_numpy()
    assert np.array_equal(lines["amount"].to_numpy(zero_copy_only=False), expected)
