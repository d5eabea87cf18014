"""A source's own columns, renamed and cast to the engine's ``NORMALISED`` columns.

The columns are matched to segbot's fields the way an upload's headers are
(``segmentation.load.columns.match_columns``: the source's explicit mapping first, then the
usual names), and written as the same values an upload's reader gives: ids as text
(17850.0 and "17850" are one customer), the date as a timestamp, numbers as float64, the
amount as the source states it (quantity × price only without an amount column, or when
the amount is an order's total), a status as what it means (``segmentation.load.status``)
and refunds as returns. All of it is an ibis expression, so the source's own engine does
the work.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

import segmentation.load.status as statuses
from segmentation.engine import NORMALISED
from segmentation.errors import ExportError, MappingNeeded
from segmentation.load.columns import match_columns, normalise_header
from segmentation.load.platforms import ORDER_TOTALS
from sources.errors import SourceError

DECIMAL_ID = r"^([0-9]+)\.0+$"  # as segmentation.load.normalise.DECIMAL_ID
NOT_AN_ID = ("", "nan", "NaN", "None", "NULL", "null")
OPTIONAL = ("country", "product_name", "category")
# Accented letters of the status words segbot knows, and the plain letters they fold to.
ACCENTED, PLAIN = (
    "àâäáãçéèêëíìîïñóòôöõúùûü",
    "aaaaaceeeeiiiinooooouuuu",
)  # kept when the source has it: exact repeats compare it too


def normalise_table(raw: ir.Table, columns: Mapping[str, str], *, what: str) -> ir.Table:
    """``raw`` as a table of ``NORMALISED`` columns (and ``country`` when there is one).

    ``columns`` maps segbot fields to ``raw``'s columns; ``what`` names the source in
    errors ("The query of source 'shop'"). Raises SourceError naming the missing columns.
    """
    mapping = _mapping(raw, columns, what=what)
    quantity = _number(raw, mapping.get("quantity"))
    price = _number(raw, mapping.get("price"))
    both = "quantity" in mapping and "price" in mapping
    order_total = normalise_header(mapping.get("amount", "")) in ORDER_TOTALS
    if "amount" in mapping and not (both and order_total):  # as the upload's normaliser
        stated = _number(raw, mapping["amount"])
        amount = stated.coalesce(quantity * price) if both else stated
    else:
        amount = quantity * price
    values = {
        "customer_id": _identifier(raw, mapping["customer"]),
        "invoice": _identifier(raw, mapping.get("invoice")),
        "timestamp": _timestamp(raw[mapping["date"]]),
        "product": _identifier(raw, mapping.get("product")),
        "quantity": quantity,
        "price": price,
        "amount": amount,
    }
    values.update({f: _identifier(raw, mapping[f]) for f in OPTIONAL if f in mapping})
    if "status" in mapping:
        values["status"] = _status(raw[mapping["status"]])
    if "refunded" in mapping:
        values["refunded"] = _number(raw, mapping["refunded"])
    table = raw.select(**{name: value.name(name) for name, value in values.items()})
    assert set(NORMALISED) <= set(table.columns)
    return table


def _mapping(raw: ir.Table, columns: Mapping[str, str], *, what: str) -> dict[str, str]:
    try:
        return match_columns(raw.columns, dict(columns))
    except MappingNeeded as e:
        needed = _needed(e.missing)
        raise SourceError(
            f"{what} has no {needed} column (its columns are {_listing(raw.columns)}): "
            "return them under those names, or map them in the source's [columns] section."
        ) from None
    except ExportError as e:
        raise SourceError(f"{what}: {e}".replace("the file", "the source")) from None


def _needed(missing: tuple[str, ...]) -> str:
    names = ["amount (or quantity and price)" if field == "amount" else field for field in missing]
    return " or ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " or " + names[-1]


def _listing(columns: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(columns[:15])
    return shown + (f" and {len(columns) - 15} more" if len(columns) > 15 else "") or "none"


def _identifier(raw: ir.Table, column: str | None) -> ir.StringValue:
    """Ids as text: whole numbers without ".0", text stripped, blanks and "nan" as null."""
    if column is None:
        return ibis.null(dt.string)
    value = raw[column]
    kind = value.type()
    if kind.is_integer():
        return value.cast(dt.string)
    if kind.is_floating() or kind.is_decimal():
        whole = value.notnull() & (value == value.floor())
        if kind.is_floating():
            whole &= ~value.isnan() & ~value.isinf()
        return ibis.cases(
            (whole, value.cast(dt.int64).cast(dt.string)), else_=value.cast(dt.string)
        )
    text = value.cast(dt.string).strip()
    text = ibis.cases((text.re_search(DECIMAL_ID), text.re_extract(DECIMAL_ID, 1)), else_=text)
    return ibis.cases((text.isin(NOT_AN_ID), ibis.null(dt.string)), else_=text)


def _timestamp(value: ir.Value) -> ir.TimestampValue:
    """A naive timestamp (a time zone's instant in UTC, the session time zone ibis sets)."""
    kind = value.type()
    if kind.is_timestamp() and kind.timezone is None:
        return value
    return value.cast(dt.Timestamp())


def _number(raw: ir.Table, column: str | None) -> ir.FloatingValue:
    if column is None:
        return ibis.null(dt.float64)
    return raw[column].cast(dt.float64)


def _status(value: ir.Value) -> ir.StringValue:
    """What a status means, as ``segmentation.load.status.meaning`` reads it: case, the
    ``wc-`` prefix, separators and the accents of the languages it knows ignored."""
    text = value.cast(dt.string).lower().translate(ACCENTED, PLAIN)
    text = text.re_replace(r"[\s_\-./]+", " ").strip()
    text = ibis.cases((text.startswith("wc "), text.substr(3)), else_=text)
    return ibis.cases(
        (text.isnull() | (text == ""), ibis.null(dt.string)),
        (text.isin(statuses.folded_values(statuses.SALE)), statuses.SALE),
        (text.isin(statuses.folded_values(statuses.NOT_A_SALE)), statuses.NOT_A_SALE),
        else_=statuses.UNKNOWN,
    )
