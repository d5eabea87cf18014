"""Turn raw export columns into segbot's normalised transaction table.

Normalised columns (one row per line of the export, nothing dropped yet):
``customer_id`` (category of str), ``invoice`` (category of str, NA if the export
has none), ``timestamp`` (datetime64[ns], NaT if unreadable), ``product``
(category of str, NA if the export has none), ``quantity``,
``price``, ``amount`` (float64, NaN if not a number) and ``country`` (category); where
the export has them, ``product_name`` and ``category`` (category of str); where
the export has them, ``status`` (category: what the line's status means, see
``segmentation.load.status``) and ``refunded`` (float64: money refunded, once per order).
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

import segmentation.load.orders as orders
from segmentation.currency import sign_in_text
from segmentation.errors import ExportError
from segmentation.load.columns import normalise_header
from segmentation.load.dates import DateOrder, parse_dates
from segmentation.load.platforms import NET_QUANTITIES, ORDER_TOTALS, Layout

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
# "17850.0" is how a spreadsheet writes the id 17850: stored ids drop the ".0".
DECIMAL_ID = re.compile(r"^(\d+)\.0+$")
NUMBER_JUNK = re.compile(r"[^\d.,\-+eE]")
# Words such as the "EUR" in "EUR 12.50"; single letters stay, as "1e5" needs its "e".
LETTER_RUNS = re.compile(r"[A-Za-z]{2,}")


def normalise(
    raw: pd.DataFrame, mapping: dict[str, str], layout: Layout | None = None
) -> tuple[pd.DataFrame, DateOrder, Counter[str], list[str]]:
    """Build the normalised transaction table from columns named by segbot field.

    ``layout`` is the platform export the file was recognised as (its order fields are
    carried down to the order's lines). Also returns how the dates were read, per currency
    symbol or code written in the price or amount text ("£", "EUR") how many rows carried
    it, and notes on how statuses, refunds and the amounts were read.
    """
    if raw.empty:
        raise ExportError(
            "The file has column headers but no rows of data. Export it again with the rows."
        )
    # Orders matter only to a platform's layout and to refunds (an order's, counted once).
    by_order = "invoice" in raw and (layout is not None or "refunded" in raw)
    keys = orders.order_keys(raw["invoice"]) if by_order else np.arange(len(raw))
    first = orders.first_lines(keys) if by_order and layout is not None else None
    raw, notes = orders.carry_down(raw, layout, first)
    timestamp, order = parse_dates(raw["date"])
    if timestamp.isna().all():
        examples = ", ".join(f"'{v}'" for v in raw["date"].dropna().astype(str).unique()[:3])
        raise ExportError(
            f"None of the dates in column '{mapping['date']}' could be read (e.g. {examples or 'all empty'}). "
            'Use dates like 2011-12-09 or 12/9/2011 14:30, or map the right column with date="…".'
        )
    signs: Counter[str] = Counter()
    quantity = _numbers(raw, "quantity", mapping, signs)
    price = _numbers(raw, "price", mapping, signs)
    amount, how = _amount(quantity, price, _numbers(raw, "amount", mapping, signs), mapping)
    n = len(raw)
    frame = pd.DataFrame(
        {
            "customer_id": _ids(raw["customer"]),
            "invoice": _ids(raw["invoice"]) if "invoice" in raw else _missing_ids(n),
            "timestamp": timestamp.to_numpy(),
            "product": _ids(raw["product"]) if "product" in raw else _missing_ids(n),
            "quantity": _or_nan(quantity, n),
            "price": _or_nan(price, n),
            "amount": amount.to_numpy(dtype="float64"),
            "country": _ids(raw["country"]) if "country" in raw else _missing_ids(n),
        },
        copy=False,  # columns as they are: stacking the floats into one block copies them
    )
    notes += how
    frame = frame.assign(**_product_texts(raw))
    if "status" in raw:
        frame["status"], said = orders.status_meanings(raw["status"], mapping["status"])
        notes += said
    if "refunded" in raw:
        frame["refunded"], said = _refunds(raw, frame, mapping, keys, first, layout)
        notes += said
    return frame, order, signs, notes


def _amount(
    quantity: pd.Series | None,
    price: pd.Series | None,
    stated: pd.Series | None,
    mapping: dict[str, str],
) -> tuple[pd.Series, list[str]]:
    """Each line's value and a note saying where it came from.

    The value the export states wins: quantity × price is computed only without one (a
    column, or a line's cell left blank), or when the stated column is an order's total (repeated on each of its item lines, with
    shipping and tax), which never stands for a line's value.
    """
    both = quantity is not None and price is not None
    if stated is not None:
        order_total = normalise_header(mapping["amount"]) in ORDER_TOTALS
        if not both:
            return stated, []
        if not order_total:  # a blank cell states nothing: quantity × price fills it
            return stated.where(stated.notna(), quantity * price), [_stated_note(mapping)]
        return quantity * price, [
            f"'{mapping['amount']}' is an order's total (with shipping and tax), so each "
            f"line's value is '{mapping['quantity']}' × '{mapping['price']}'."
        ]
    if both:
        return quantity * price, []
    raise ExportError("The file has no amount, and no quantity and unit price to compute it.")


def _stated_note(mapping: dict[str, str]) -> str:
    return (
        f"Amounts are '{mapping['amount']}' as the file states them, not "
        f"'{mapping['quantity']}' × '{mapping['price']}'."
    )


def _refunds(
    raw: pd.DataFrame,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    keys: np.ndarray,
    first: np.ndarray | None,
    layout: Layout | None,
) -> tuple[np.ndarray, list[str]]:
    """Refunds per line: once per order where the layout repeats an order's refund on its
    lines (``keys`` name each line's order, ``first`` its first line), never above what the
    order sold; and the note saying how they count."""
    column = mapping["refunded"]
    if normalise_header(mapping.get("quantity", "")) in NET_QUANTITIES:
        return np.zeros(len(raw)), [
            f"Quantities are after refunds ('{mapping['quantity']}'): refunded items are "
            f"already out of the sales, so '{column}' is not taken off again."
        ]
    refunded = _numbers(raw, "refunded", mapping, Counter()).to_numpy(dtype="float64")
    once = first is not None and layout is not None and "refunded" in layout.once_per_order
    if once:
        refunded = orders.once_per_order(refunded, first)
    invoice = raw.get("invoice")
    refunded, notes = orders.capped_refunds(refunded, frame["amount"].to_numpy(), keys, invoice)
    per = ", once per order" if once else ""
    notes.insert(
        0,
        f"Refunds ('{column}'{per}) are returns: net revenue is the sales less them, as "
        "for cancelled lines.",
    )
    return refunded, notes


def _product_texts(raw: pd.DataFrame) -> dict[str, pd.Categorical]:
    """``product_name`` and ``category`` where the export has them, as text like the ids."""
    return {field: _ids(raw[field]) for field in ("product_name", "category") if field in raw}


def _or_nan(values: pd.Series | None, n: int) -> np.ndarray:
    return np.full(n, np.nan) if values is None else values.to_numpy(dtype="float64")


def _missing_ids(n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(
        np.full(n, -1, dtype=np.int8), categories=pd.Index([], dtype=str)
    )


def customer_key(text: str) -> str:
    """An id as a person types it (" 13123.0 ") written the way stored ids are ("13123")."""
    return DECIMAL_ID.sub(r"\1", text.strip())


def _ids(values: pd.Series) -> pd.Categorical:
    """Identifiers as text; 17850.0 and "17850" are the same customer."""
    categorical = isinstance(values.dtype, pd.CategoricalDtype)
    if categorical:
        codes, uniques = _used_categories(values)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if pd.api.types.is_float_dtype(uniques) and not categorical:  # categories are read as text
        integral = np.isfinite(uniques) & (np.mod(uniques, 1) == 0)
        text = np.where(
            integral,
            np.char.mod("%d", np.nan_to_num(uniques).astype(np.int64)),
            uniques.astype(str),
        )
        cleaned = pd.Series(text, dtype="string")
    else:
        cleaned = pd.Series(uniques, dtype="string").str.strip()
        cleaned = cleaned.str.replace(DECIMAL_ID.pattern, r"\1", regex=True)
        cleaned = cleaned.mask(cleaned.isin(["", "nan", "NaN", "None", "NULL", "null"]))
    new_codes, categories = pd.factorize(cleaned, use_na_sentinel=True)
    if not np.array_equal(new_codes, np.arange(len(uniques))):  # some ids merged or blanked
        codes = np.where(codes >= 0, new_codes[np.clip(codes, 0, None)], -1)
    # Codes come from factorize or the categorical, so they are valid: skip re-checking 11 M.
    return pd.Categorical.from_codes(
        codes, categories=pd.Index(categories, dtype=str), validate=False
    )


def _used_categories(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A categorical's codes and the categories its rows use, in order of first appearance:
    what ``pd.factorize`` returns, without hashing every row (11 M for a 1 GB upload).

    Readers' categoricals come from Arrow dictionaries, already in that order with every
    value used, so their codes are kept as they are.
    """
    codes = values.cat.codes.to_numpy()
    categories = values.cat.categories
    rows = len(codes)
    first = np.full(len(categories) + 1, rows, dtype=np.int64)  # the last slot: code -1
    np.minimum.at(first, codes, np.arange(rows))
    order = np.argsort(first[:-1], kind="stable")[: np.count_nonzero(first[:-1] < rows)]
    if len(order) == len(categories) and np.array_equal(order, np.arange(len(order))):
        return codes, categories
    renumbered = np.full(len(categories) + 1, -1, dtype=np.int64)
    renumbered[order] = np.arange(len(order))
    return renumbered[codes], categories[order]


def _numbers(
    raw: pd.DataFrame, field: str, mapping: dict[str, str], signs: Counter[str]
) -> pd.Series | None:
    """The field's column as float64; currency signs in its text are added to ``signs``."""
    if field not in raw:
        return None
    values = raw[field]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    if not len(uniques):  # every cell blank
        return pd.Series(np.nan, index=values.index)
    parsed = np.array([_parse_number(u) for u in uniques], dtype="float64")
    if field != "quantity":
        # Parsing strips the "£"; note it first, once per distinct text, weighted by its rows.
        rows = np.bincount(codes[codes >= 0], minlength=len(uniques))
        for text, count in zip(uniques, rows, strict=True):
            sign = sign_in_text(text)
            if sign:
                signs[sign] += int(count)
    result = np.where(codes >= 0, parsed[np.clip(codes, 0, None)], np.nan)
    present = codes >= 0
    bad = present & np.isnan(result)
    if present.any() and bad.sum() > present.sum() / 2:
        examples = ", ".join(f"'{u}'" for u, p in zip(uniques, parsed, strict=True) if np.isnan(p))
        raise ExportError(
            f"Column '{mapping[field]}' ({field}) should hold numbers, but most values are not "
            f"numbers (e.g. {examples[:120]}). Check that the right column is mapped as {field}."
        )
    return pd.Series(result, index=values.index)


def _parse_number(text: str) -> float:
    """Read '£1,234.50', '1.234,50', 'EUR 12', '(3)' style numbers; NaN when it is not a number."""
    text = text.strip()
    negative = text.startswith("(") and text.endswith(")")
    text = NUMBER_JUNK.sub("", LETTER_RUNS.sub("", text))
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = text.replace(",", "") if len(tail) == 3 and head else text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return float("nan")
    return -number if negative else number
