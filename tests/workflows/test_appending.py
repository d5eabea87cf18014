"""Which lines of a new export are new, the combined table, and the add/replace suggestion:
tiny hand-made tables, then the real data against itself (fast, nothing new)."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest

from workflows.appending import (
    Overlap,
    Span,
    added_note,
    combine,
    compare,
    line_span,
    new_lines,
)

NAN = float("nan")
T, F = True, False


def _lines(rows: list[tuple], categories: list[str] | None = None) -> pd.DataFrame:
    """Normalised lines (customer, invoice, timestamp, amount); ids as categoricals."""
    frame = pd.DataFrame(rows, columns=["customer_id", "invoice", "timestamp", "amount"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    for name in ("customer_id", "invoice"):
        frame[name] = frame[name].astype(pd.CategoricalDtype(categories))
    return frame


STORED = _lines(
    [
        ("1", "A1", "2011-01-03 10:00", 5.0),
        ("1", "A1", "2011-01-03 10:00", 5.0),  # a line repeated in the stored file: kept
        ("2", None, "2011-01-04 09:00", NAN),  # missing invoice and amount
        (None, "A3", "2011-01-05 09:00", 7.5),  # a guest line: no customer
    ]
)


def test_a_line_equal_in_every_column_is_not_new_and_missing_values_match() -> None:
    upload = _lines(
        [
            ("1", "A1", "2011-01-03 10:00", 5.0),  # stored
            ("1", "A1", "2011-01-03 10:00", 5.0),  # stored (twice in the upload too)
            ("2", None, "2011-01-04 09:00", NAN),  # stored, missing values and all
            ("2", None, "2011-01-04 09:00", 0.0),  # amount differs
            ("1", "A1", "2011-01-03 10:01", 5.0),  # time differs
            ("3", "A9", "2011-02-01 09:00", 1.0),  # new, twice: both kept, as an upload keeps them
            ("3", "A9", "2011-02-01 09:00", 1.0),
            (None, "A3", "2011-01-05 09:00", 7.5),  # the stored guest line
        ],
        categories=["3", "2", "1", "A9", "A1", "A3"],  # coded differently from the stored file
    )
    assert new_lines(STORED, upload).tolist() == [F, F, F, T, T, T, T, F]


def test_a_value_the_stored_lines_never_had_is_not_taken_for_a_missing_one() -> None:
    stored = _lines([("1", None, "2011-01-03", 5.0)])
    upload = _lines([("1", "NEW", "2011-01-03", 5.0)])
    assert new_lines(stored, upload).tolist() == [True]


def test_nothing_stored_means_every_line_is_new() -> None:
    assert new_lines(STORED.iloc[:0], STORED).tolist() == [True] * 4


def test_combine_keeps_the_stored_lines_then_the_added_ones_with_categories_united() -> None:
    added = _lines([("9", "Z1", "2011-03-01", 2.0)])
    both = combine(STORED, added)
    assert len(both) == 5 and list(both.columns) == list(STORED.columns)
    assert isinstance(both["customer_id"].dtype, pd.CategoricalDtype)
    assert both["customer_id"].astype(object).tolist()[-1] == "9"
    assert both["invoice"].isna().tolist() == [False, False, True, False, False]
    assert both["timestamp"].dtype == STORED["timestamp"].dtype


def test_line_span_skips_guest_lines_and_unreadable_dates() -> None:
    frame = pd.concat(
        [STORED, _lines([("5", "X", "1800-01-01", 1.0), ("5", "X", None, 1.0)])],
        ignore_index=True,
    )
    assert line_span(frame) == Span(dt.datetime(2011, 1, 3, 10), dt.datetime(2011, 1, 4, 9))
    assert line_span(STORED.iloc[3:]) is None


def _span(first: str, last: str) -> Span:
    return Span(dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last))


YOURS = _span("2011-01-01", "2011-06-30")
COLUMNS = {"customer": "CustomerID", "date": "InvoiceDate", "amount": "Total"}


@pytest.mark.parametrize(
    ("new", "suggested", "kind"),
    [
        (_span("2011-07-01", "2011-09-30"), "add", "continues"),
        (_span("2011-01-01", "2011-07-01"), "add", "continues"),  # same start, ends later
        (_span("2011-03-01", "2011-12-31"), "add", "continues"),  # overlaps at its start
        (_span("2010-10-01", "2011-02-28"), "add", "overlaps"),  # earlier, overlapping in part
        (_span("2011-02-01", "2011-05-31"), "replace", "within"),
        (_span("2011-01-01", "2011-06-30"), "replace", "within"),  # the same dates
        (_span("2010-10-01", "2011-06-30"), "replace", "covers"),
        (_span("2010-01-01", "2010-12-31"), "replace", "earlier"),
    ],
)
def test_the_suggestion_follows_the_dates_when_the_columns_are_the_same(
    new: Span, suggested: str, kind: str
) -> None:
    assert compare(COLUMNS, dict(COLUMNS), new, YOURS) == Overlap(suggested, kind, new, YOURS)


def test_different_columns_suggest_replace_and_say_which() -> None:
    theirs = {"customer": "Client", "date": "InvoiceDate", "quantity": "Qty"}
    found = compare(theirs, COLUMNS, _span("2011-07-01", "2011-09-30"), YOURS)
    assert (found.suggested, found.kind) == ("replace", "columns")
    assert found.columns == (
        ("amount", None, "Total"),
        ("customer", "Client", "CustomerID"),
        ("quantity", "Qty", None),
    )


def test_added_note() -> None:
    assert added_note(12345, 2001) == "12,345 new lines added; 2,001 were already stored."
    assert added_note(1, 1) == "1 new line added; 1 was already stored."
    assert added_note(0, 541909) == "0 new lines added; 541,909 were already stored."
    assert added_note(3, 0) == "3 new lines added; none was already stored."


def test_the_real_data_against_itself_is_nothing_new_and_fast(real_path) -> None:
    from segmentation.load import load_export

    lines = load_export(real_path).transactions
    assert len(lines) == 541_909
    copy = lines.copy()
    started = time.perf_counter()
    new = new_lines(lines, copy)
    took = time.perf_counter() - started
    assert int(new.sum()) == 0
    assert took < 2.0, f"541,909 lines against themselves took {took:.2f} s"
    # one changed amount makes exactly that line new
    changed = copy.assign(amount=np.where(np.arange(len(copy)) == 7, 1e6, copy["amount"]))
    assert np.flatnonzero(new_lines(lines, changed)).tolist() == [7]
