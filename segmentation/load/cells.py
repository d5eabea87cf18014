"""An upload's columns through the engine: each distinct cell read once, then the lines.

Text columns arrive as Arrow dictionaries (the readers ask for them, other text is encoded
here): ``values``' expressions run on DuckDB over a column's dictionary, so a column of a
million lines and three thousand distinct values costs three thousand readings, and the
lines keep their codes. ``run_lines`` then runs ``lines``' order rules on those codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import segmentation.load.status as statuses
from segmentation.currency import sign_in_text
from segmentation.engine.compiled import Query
from segmentation.engine.local import in_process
from segmentation.errors import ExportError
from segmentation.load.dates import DateOrder, date_reading
from segmentation.load.fields import NUMBER_FIELDS
from segmentation.load.orders import OrderRules

MEANINGS = (statuses.SALE, statuses.NOT_A_SALE, statuses.UNKNOWN)
TABLE = "cells"
READING = Query("segmentation.load.values", "reading_table")
LINES = Query("segmentation.load.lines", "lines_query")


def evaluate(column: pa.Array, reading: str, *args: Hashable) -> pa.Array:
    """``values.READINGS[reading](value, *args)`` of each value of ``column``, in order
    (``values.reading_table``), computed by DuckDB."""
    cells = pa.table({"v": column, "line": _numbers(len(column))})
    with in_process(**{TABLE: cells}) as engine:
        result = engine.fetch(READING, (TABLE,), reading, *args)
    return result.column("r").combine_chunks()


def _numbers(n: int) -> pa.Array:
    return pa.array(np.arange(n, dtype=np.int64))


def encoded(column: pa.ChunkedArray, field: str) -> pa.Array:
    """The column as one array: text (and ids of any type) dictionary-encoded, numbers and
    typed dates as they are."""
    if pa.types.is_dictionary(column.type):
        return column.unify_dictionaries().combine_chunks()
    array = column.combine_chunks()
    if pa.types.is_null(array.type):
        return array
    text = pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    if text or (field not in NUMBER_FIELDS and field != "date"):
        return pc.dictionary_encode(array)
    return array


def _codes(column: pa.Array) -> np.ndarray:
    """A dictionary column's codes as numbers, -1 for a blank cell."""
    return column.indices.fill_null(-1).to_numpy(zero_copy_only=False)


def numbers(
    column: pa.Array, field: str, mapping: Mapping[str, str], signs: Counter[str]
) -> pa.Array:
    """The field's column as float64 (null where not a number); currency signs in its text
    are added to ``signs``, per sign the rows carrying it."""
    if pa.types.is_null(column.type):
        return pa.nulls(len(column), pa.float64())
    if not pa.types.is_dictionary(column.type):
        if pa.types.is_boolean(column.type):  # True is no quantity nor price
            return pa.nulls(len(column), pa.float64())
        return column.cast(pa.float64())
    texts = column.dictionary.cast(pa.string())
    parsed = evaluate(texts, "number")
    codes = _codes(column)
    rows = np.bincount(codes[codes >= 0], minlength=len(texts))
    if field in ("price", "amount"):  # parsing drops the "£": note it first
        for text, count in zip(texts.to_pylist(), rows, strict=True):
            sign = sign_in_text(text) if count else None
            if sign:
                signs[sign] += int(count)
    bad = parsed.is_null().to_numpy(zero_copy_only=False)
    if rows.sum() and rows[bad].sum() > rows.sum() / 2:
        examples = ", ".join(f"'{t}'" for t, b in zip(texts.to_pylist(), bad, strict=True) if b)
        raise ExportError(
            f"Column '{mapping[field]}' ({field}) should hold numbers, but most values are not "
            f"numbers (e.g. {examples[:120]}). Check that the right column is mapped as {field}."
        )
    return pc.take(parsed, column.indices)


@dataclass(frozen=True)
class Dates:
    """A date column's readings: per dictionary entry (``by_code``) or per line."""

    readings: pa.Array
    by_code: bool

    def at(self, lines: pa.Array) -> pa.Array:
        """The lines' timestamps, given their codes (or their own values)."""
        return pc.take(self.readings, lines) if self.by_code else lines


def dates(column: pa.Array, mapping: Mapping[str, str]) -> tuple[Dates, DateOrder, pa.Array]:
    """How the date column reads, and the column the line rules carry (codes or values).

    Raises ExportError naming examples when no date at all can be read.
    """
    if pa.types.is_dictionary(column.type):
        texts = column.dictionary.cast(pa.string())
        formats, order = date_reading(texts)
        readings = evaluate(texts, "timestamp", formats)
        used = pc.unique(column.indices.drop_null())
        readable = len(used) and pc.take(readings, used).null_count < len(used)
        result = Dates(readings, True), order, column.indices
        examples = [t for t in pc.take(texts, used).to_pylist()[:3]]
    else:
        readings = evaluate(column, "timestamp") if len(column) else column
        readable = readings.null_count < len(readings)
        result = Dates(readings, False), DateOrder("native"), readings
        examples = []
    if not readable:
        shown = ", ".join(f"'{v}'" for v in examples)
        raise ExportError(
            f"None of the dates in column '{mapping['date']}' could be read (e.g. {shown or 'all empty'}). "
            'Use dates like 2011-12-09 or 12/9/2011 14:30, or map the right column with date="…".'
        )
    return result


def run_lines(
    columns: Mapping[str, pa.Array],
    numbers_read: Mapping[str, pa.Array],
    carried_dates: pa.Array,
    rules: OrderRules,
    mapping: Mapping[str, str],
) -> dict[str, pa.Array]:
    """The line rules on DuckDB: each line's value, and with orders, the order fields
    carried down (as codes), refunds once per order and capped, and the lines cut from
    their order (``orphan``) or refunded past what they sold (``over_refunded``)."""
    n = len(carried_dates)
    by_order = rules.by_order or "refunded" in numbers_read
    inputs: dict[str, pa.Array] = dict(numbers_read)
    if by_order:
        inputs["line"] = _numbers(n)
        for field in {"invoice", *rules.carried} & {*columns, "date"}:
            inputs[field] = carried_dates if field == "date" else columns[field].indices
    table = pa.table(inputs)
    outputs = ["amount"]
    if by_order:
        outputs += [*rules.carried, "orphan"] + (
            ["refunded", "over_refunded"] if "refunded" in numbers_read else []
        )
    with in_process(**{TABLE: table}) as engine:
        result = engine.fetch(LINES, (TABLE,), dict(mapping), rules, by_order, tuple(outputs))
    return {name: result.column(name).combine_chunks() for name in result.column_names}


def identifiers(codes: pa.Array, dictionary: pa.Array) -> pa.DictionaryArray:
    """Lines' codes over ``dictionary`` as normalised ids: each entry read by
    ``values.identifier`` once, entries that read the same merged, blanks null."""
    read = evaluate(dictionary, "identifier")
    merged = pc.dictionary_encode(read)
    codes = codes.cast(pa.int32())
    unchanged = (
        merged.indices.null_count == 0
        and pc.all(pc.equal(merged.indices, pa.array(np.arange(len(read), dtype=np.int32)))).as_py()
    )
    if unchanged or not len(read):  # no entry merged or blanked: the codes stand as they are
        return pa.DictionaryArray.from_arrays(codes, merged.dictionary)
    return pa.DictionaryArray.from_arrays(pc.take(merged.indices, codes), merged.dictionary)


def texts(column: pa.Array) -> pa.DictionaryArray:
    """A text column kept as it reads (ids' rules: stripped, blanks null)."""
    return identifiers(column.indices, column.dictionary)


def no_text(n: int) -> pa.DictionaryArray:
    """A column the export does not have: every line null."""
    return pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), pa.array([], pa.string()))


def meaning_of_entries(dictionary: pa.Array) -> pa.Array:
    """What each status entry means (``values.status``): an index into ``MEANINGS``."""
    read = evaluate(dictionary.cast(pa.string()), "status")
    return pc.index_in(read, value_set=pa.array(MEANINGS))


def meanings(codes: pa.Array, per_entry: pa.Array) -> pa.DictionaryArray:
    """Lines' status codes as what each status means (``meaning_of_entries``)."""
    return pa.DictionaryArray.from_arrays(
        pc.take(per_entry, codes.cast(pa.int32())), pa.array(MEANINGS)
    )
