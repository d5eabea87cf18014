"""What one cell of an export means, written once as ibis expressions.

Every way data arrive goes through these: a connected source's columns, row by row on the
source's own engine, and an upload's, once per distinct value of each column (the file's
dictionary, on DuckDB), which is what keeps a million-line upload fast. Ids are text
(17850.0 and "17850" are one customer), numbers are read as a person writes them
("£1,234.50", "1.234,50", "(3)"), dates in the order the file was found to use, and a
status as what it means (``segmentation.load.status``).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.datatypes as idt
import ibis.expr.types as ir

import segmentation.load.status as statuses
from segmentation.load.fields import DECIMAL_ID

NOT_AN_ID = ("", "nan", "NaN", "None", "NULL", "null")
# Words such as the "EUR" in "EUR 12.50" go first (single letters stay: "1e5" needs its "e"),
# then anything that is not part of a number.
LETTER_RUNS, NUMBER_JUNK = r"[A-Za-z]{2,}", r"[^0-9.,+eE-]"
# Accented letters of the status words segbot knows, and the plain letters they fold to.
ACCENTED, PLAIN = ("àâäáãçéèêëíìîïñóòôöõúùûü", "aaaaaceeeeiiiinooooouuuu")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Excel serial numbers for 1982..2119; any other number in a date column is not a date.
EXCEL_SERIALS = (30000, 80000)
ZONED = idt.Timestamp(timezone="UTC")


@ibis.udf.scalar.builtin(
    name="try_strptime", signature=((idt.string, idt.Array(idt.string)), idt.timestamp)
)
def _try_strptime_any(text: str, formats: list[str]) -> dt.datetime:
    """DuckDB's strptime with formats tried in turn: the first that reads the whole text
    wins; null when none does."""


@ibis.udf.scalar.builtin(name="try_strptime", signature=((idt.string, idt.string), ZONED))
def _try_strptime_zoned(text: str, format: str) -> dt.datetime:  # noqa: A002
    """DuckDB's strptime for a format with an offset (%z): an instant."""


def identifier(value: ir.Value) -> ir.StringValue:
    """Ids as text: whole numbers without ".0", text stripped, blanks and "nan" as null."""
    kind = value.type()
    if kind.is_null():
        return ibis.null(idt.string)
    if kind.is_integer():
        return value.cast(idt.string)
    if kind.is_floating() or kind.is_decimal():
        # No FLOOR: it casts to a 64-bit integer, which NaN, infinity and 1e20 cannot be.
        whole = value.notnull() & ((value % 1) == 0) & (value.abs() < 2.0**63)
        return ibis.cases(
            (whole, value.cast(idt.int64).cast(idt.string)), else_=value.cast(idt.string)
        )
    text = value.cast(idt.string).strip()
    text = ibis.cases((text.re_search(DECIMAL_ID), text.re_extract(DECIMAL_ID, 1)), else_=text)
    return ibis.cases((text.isin(NOT_AN_ID), ibis.null(idt.string)), else_=text)


def number(value: ir.Value) -> ir.FloatingValue:
    """A number as float64; text as a person writes it ('£1,234.50', '1.234,50', 'EUR 12',
    '(3)'); null when it is not a number.

    A comma after the last dot is the decimal mark ("1.234,50"); a lone comma followed by
    exactly three digits groups thousands ("1,234"), any other lone comma is a decimal mark.
    """
    kind = value.type()
    if kind.is_null():
        return ibis.null(idt.float64)
    if kind.is_numeric() and not kind.is_boolean():
        return value.cast(idt.float64)
    raw = value.cast(idt.string).strip()
    negative = raw.startswith("(") & raw.endswith(")")
    text = raw.re_replace(LETTER_RUNS, "").re_replace(NUMBER_JUNK, "")
    has_comma, has_dot = text.contains(","), text.contains(".")
    text = ibis.cases(
        (has_comma & has_dot & text.re_search(r",[^.]*$"), text.replace(".", "").replace(",", ".")),
        (has_comma & has_dot, text.replace(",", "")),
        (has_comma & text.re_search(r".,[^,]{3}$"), text.replace(",", "")),
        (has_comma, text.replace(",", ".")),
        else_=text,
    )
    parsed = text.try_cast(idt.float64)
    return ibis.cases((negative, -parsed), else_=parsed)


def timestamp(value: ir.Value, formats: tuple[str, ...] | None = None) -> ir.TimestampValue:
    """A naive timestamp: a time zone's instant in UTC, an Excel serial number as its day,
    and text by ``formats`` (strptime formats tried in turn, the first that reads the whole
    text wins) or, without formats, as ISO 8601 with any UTC offset.
    """
    kind = value.type()
    if kind.is_timestamp():
        return value if kind.timezone is None else value.cast(idt.Timestamp())
    if kind.is_date():
        return value.cast(idt.Timestamp())
    if kind.is_numeric():
        days = value.cast(idt.float64)
        serial = (days > EXCEL_SERIALS[0]) & (days < EXCEL_SERIALS[1])
        seconds = (days * 86400).round().cast(idt.int64)
        day = ibis.literal(EXCEL_EPOCH) + seconds.as_interval("s")
        return ibis.cases((serial, day), else_=ibis.null(idt.Timestamp()))
    text = value.cast(idt.string).strip()
    if formats is None:
        return _iso(text)
    return _try_strptime_any(text, ibis.literal(list(formats), type=idt.Array(idt.string)))


def _iso(text: ir.StringValue) -> ir.TimestampValue:
    """ISO 8601 dates and times, with or without an offset; Shopify's "2023-05-01
    10:22:33 -0400" too. An offset's instant is kept in UTC (the session's time zone)."""
    with_zone = text.try_cast(ZONED)
    spaced = _try_strptime_zoned(text, "%Y-%m-%d %H:%M:%S %z")
    return ibis.coalesce(with_zone.cast(idt.Timestamp()), spaced.cast(idt.Timestamp()))


def status(value: ir.Value) -> ir.StringValue:
    """What a status means (``segmentation.load.status`` lists the words): case, the
    ``wc-`` prefix, separators and the accents of the languages it knows ignored; null for
    a blank status (it says nothing)."""
    text = value.cast(idt.string).lower().translate(ACCENTED, PLAIN)
    text = text.re_replace(r"[\s_\-./]+", " ").strip()
    text = ibis.cases((text.startswith("wc "), text.substr(3)), else_=text)
    return ibis.cases(
        (text.isnull() | (text == ""), ibis.null(idt.string)),
        (text.isin(statuses.folded_values(statuses.SALE)), statuses.SALE),
        (text.isin(statuses.folded_values(statuses.NOT_A_SALE)), statuses.NOT_A_SALE),
        else_=statuses.UNKNOWN,
    )


# What ``reading_table`` reads by: an upload names its readings, so naming one imports none.
READINGS = {"identifier": identifier, "number": number, "timestamp": timestamp, "status": status}


def reading_table(cells: ir.Table, reading: str, *args: object) -> ir.Table:
    """The ``READINGS`` ``reading`` of each value of ``cells.v`` (with ``args``), as ``r``,
    in the order of the values' ``line`` numbers. A reading's list of values (``IN``) is
    planned by DuckDB as a join, which past one row group (122,880 values) hands the rows
    back in the order its threads finish: read against their codes, the values of a large
    column would be each other's."""
    return cells.select("line", r=READINGS[reading](cells.v, *args)).order_by("line")
