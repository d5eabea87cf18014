"""Which lines of a new export are new, the combined table, and the add/replace suggestion:
tiny hand-made tables, then the real data against itself (fast, nothing new)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
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


def _lines(rows: list[tuple], categories: list[str] | None = None) -> pa.Table:
    """Normalised lines (customer, invoice, timestamp, amount) as Arrow, as loading gives
    them: ids as dictionaries (over ``categories``, in that order, when given)."""
    customers, invoices, stamps, amounts = (list(c) for c in zip(*rows, strict=True))

    def ids(values: list[str | None]) -> pa.DictionaryArray:
        entries = categories or sorted({v for v in values if v is not None})
        codes = pa.array([None if v is None else entries.index(v) for v in values], pa.int32())
        return pa.DictionaryArray.from_arrays(codes, pa.array(entries, pa.string()))

    times = [None if t is None else dt.datetime.fromisoformat(t) for t in stamps]
    return pa.table({
        "customer_id": ids(customers),
        "invoice": ids(invoices),
        "timestamp": pa.array(times, pa.timestamp("us")),
        "amount": pa.array(amounts, pa.float64(), from_pandas=True),  # NaN: missing
    })  # fmt: skip


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
    assert new_lines(STORED.slice(0, 0), STORED).tolist() == [True] * 4


def test_combine_keeps_the_stored_lines_then_the_added_ones_with_categories_united() -> None:
    added = _lines([("9", "Z1", "2011-03-01", 2.0)])
    both = combine(STORED, added)
    assert both.num_rows == 5 and both.column_names == STORED.column_names
    assert pa.types.is_dictionary(both.schema.field("customer_id").type)
    assert both["customer_id"].num_chunks == 1  # one dictionary: stored as one record batch
    assert both["customer_id"].to_pylist() == ["1", "1", "2", None, "9"]
    assert both["invoice"].is_null().to_pylist() == [False, False, True, False, False]
    assert both.schema.field("timestamp").type == STORED.schema.field("timestamp").type


def test_combine_keeps_the_columns_only_one_side_has() -> None:
    names = pa.table({"product_name": pa.array(["MUG"]).dictionary_encode()})
    added = _lines([("9", "Z1", "2011-03-01", 2.0)])
    added = added.append_column("product_name", names["product_name"])
    both = combine(STORED, added)
    assert both.column_names == [*STORED.column_names, "product_name"]
    assert both["product_name"].to_pylist() == [None] * 4 + ["MUG"]
    # and a line of a stored column the upload lacks is compared as missing there
    assert new_lines(both, STORED).tolist() == [False] * 4


def test_line_span_skips_guest_lines_and_unreadable_dates() -> None:
    table = pa.concat_tables(
        [STORED, _lines([("5", "X", "1800-01-01", 1.0), ("5", "X", None, 1.0)])]
    )
    assert line_span(table) == Span(dt.datetime(2011, 1, 3, 10), dt.datetime(2011, 1, 4, 9))
    assert line_span(STORED.slice(3)) is None


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


def test_the_real_data_against_itself_is_nothing_new(real_path) -> None:
    from segmentation.load import load_export

    lines = load_export(real_path).table
    assert lines.num_rows == 541_909
    assert int(new_lines(lines, lines).sum()) == 0
    # one changed amount makes exactly that line new
    amount = np.where(np.arange(lines.num_rows) == 7, 1e6, lines["amount"].to_numpy())
    changed = lines.set_column(lines.column_names.index("amount"), "amount", pa.array(amount))
    assert np.flatnonzero(new_lines(lines, changed)).tolist() == [7]
