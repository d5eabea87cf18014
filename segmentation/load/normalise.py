"""Turn an upload's raw columns into segbot's normalised transaction table, in the engine.

The rules are the ones a connected source is read by (``values`` for a cell, ``lines`` for
a line with its order), run on DuckDB. A text column's rules run once per distinct value
(the file's dictionary), and the line rules on the dictionary codes, so a million lines
cost a few thousand cell readings; the result is an Arrow table, stored as it is.

Normalised columns (one row per line of the export, nothing dropped yet): ``customer_id``,
``invoice``, ``product``, ``country`` (dictionary-encoded text, null where the export has
none), ``timestamp`` (null if unreadable), ``quantity``, ``price``, ``amount`` (float64,
null if not a number); where the export has them, ``status`` (what the line's status
means, see ``segmentation.load.status``) and ``refunded`` (money refunded, once per order);
and any other text field it has (``product_name``, ``category``, the contacts of
``segmentation.load.contacts``), as text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

import pyarrow as pa

import segmentation.load.cells as cells
from segmentation.errors import ExportError
from segmentation.load.dates import DateOrder
from segmentation.load.fields import DECIMAL_ID, NUMBER_FIELDS, TEXT_FIELDS
from segmentation.load.notes import orphan_notes, refund_notes, status_notes, value_notes
from segmentation.load.orders import rules_for
from segmentation.load.platforms import Layout

# Field read → normalised column. Ids keep their field's name, but for these two.
RENAMED = {"customer": "customer_id", "date": "timestamp"}
ENGINE_TEXT = ("customer", "invoice", "product", "country")  # text fields every table has
TRANSACTION_COLUMNS = (
    "customer_id",
    "invoice",
    "timestamp",
    "product",
    "quantity",
    "price",
    "amount",
    "country",
)


def normalise(
    raw: pa.Table, mapping: Mapping[str, str], layout: Layout | None = None
) -> tuple[pa.Table, DateOrder, Counter[str], list[str]]:
    """Build the normalised transaction table from ``raw``, whose columns are named by
    segbot field (``mapping`` names the file's columns they came from, for notes).

    ``layout`` is the platform export the file was recognised as (its order fields are
    carried down to the order's lines). Also returns how the dates were read, per currency
    symbol or code written in the price or amount text ("£", "EUR") how many rows carried
    it, and notes on how statuses, refunds and the amounts were read.
    """
    if raw.num_rows == 0:
        raise ExportError(
            "The file has column headers but no rows of data. Export it again with the rows."
        )
    fields = set(raw.column_names)
    notes = value_notes(fields, mapping)  # raises when there is no value to read
    columns = {f: cells.encoded(raw.column(f), f) for f in raw.column_names}
    signs: Counter[str] = Counter()
    numbers = {
        f: cells.numbers(columns[f], f, mapping, signs) for f in NUMBER_FIELDS if f in fields
    }
    rules = rules_for(fields, mapping, layout)
    dates, order, carried_dates = cells.dates(columns["date"], mapping)
    lines = cells.run_lines(columns, numbers, carried_dates, rules, mapping)
    lines.setdefault("date", carried_dates)
    for field in ("customer", "country", "status"):
        if field in columns and field not in lines:
            lines[field] = columns[field].indices
    # What each distinct status means, read once for the lines and for the notes.
    meant = cells.meaning_of_entries(columns["status"].dictionary) if "status" in fields else None
    table = _assembled(raw.num_rows, columns, numbers, dates, lines, meant)
    invoice = columns.get("invoice")
    notes[:0] = orphan_notes(lines, invoice, rules, layout)
    if meant is not None:
        notes += status_notes(columns["status"], lines["status"], meant, mapping["status"])
    notes += refund_notes(lines, invoice, rules, mapping)
    return table, order, signs, notes


def _assembled(
    n: int,
    columns: dict[str, pa.Array],
    numbers: dict[str, pa.Array],
    dates: cells.Dates,
    lines: dict[str, pa.Array],
    meant: pa.Array | None,
) -> pa.Table:
    """The normalised table: each text column's codes (after the line rules) over its
    normalised dictionary, dates taken from their readings, numbers as read, statuses as
    what each entry means (``meant``)."""
    out: dict[str, pa.Array] = {}
    for field in ENGINE_TEXT:  # the engine's own: present, if only as nulls
        out[RENAMED.get(field, field)] = (
            cells.identifiers(lines.get(field, columns[field].indices), columns[field].dictionary)
            if field in columns
            else cells.no_text(n)
        )
    out["timestamp"] = dates.at(lines["date"])
    for field in ("quantity", "price"):
        out[field] = numbers.get(field, pa.nulls(n, pa.float64()))
    out["amount"] = lines["amount"]
    if meant is not None:
        out["status"] = cells.meanings(lines["status"], meant)
    if "refunded" in lines:
        out["refunded"] = lines["refunded"]
    for field in sorted(set(columns) & set(TEXT_FIELDS) - set(ENGINE_TEXT)):
        out[field] = cells.texts(columns[field])
    ordered = [*TRANSACTION_COLUMNS, *(c for c in out if c not in TRANSACTION_COLUMNS)]
    return pa.table({name: out[name] for name in ordered})


def customer_key(text: str) -> str:
    """An id as a person types it (" 13123.0 ") written the way stored ids are ("13123")."""
    return re.sub(DECIMAL_ID, r"\1", text.strip())


__all__ = ["TRANSACTION_COLUMNS", "customer_key", "normalise"]
