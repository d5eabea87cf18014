"""Fields that belong to a whole order, on exports that write one line per item.

Pure DataFrame steps on the raw columns (named by segbot field) and on the parsed
numbers: an order's fields carried down from its first line, an order's refund counted
once and never above what the order sold, and each status value read as a sale or not.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

import segmentation.load.status as statuses
from segmentation.load.platforms import Layout

SHOWN_ORDERS = 5  # orders named in a note; the rest are counted


def order_keys(invoice: pd.Series) -> np.ndarray:
    """An integer per line naming its order; a line without an order is an order alone."""
    if isinstance(invoice.dtype, pd.CategoricalDtype):  # readers' text: codes are the keys
        codes = invoice.cat.codes.to_numpy().astype(np.int64)
    else:
        codes = pd.factorize(invoice, use_na_sentinel=True)[0].astype(np.int64)
    alone = codes < 0
    codes[alone] = codes.max(initial=-1) + 1 + np.arange(int(alone.sum()))
    return codes


def first_lines(keys: np.ndarray) -> np.ndarray:
    """For each line, the position of its order's first line."""
    first = np.empty(int(keys.max(initial=-1)) + 1, dtype=np.int64)
    # Written last to first: each order keeps its earliest position (one scatter, no sort).
    first[keys[::-1]] = np.arange(len(keys) - 1, -1, -1)
    return first[keys]


def carry_down(
    raw: pd.DataFrame, layout: Layout | None, first: np.ndarray | None
) -> tuple[pd.DataFrame, list[str]]:
    """``raw`` with the layout's order fields filled on every line of each order from the
    order's first line (``first``: its position for each line, see ``first_lines``), and a
    note for lines whose order has no such line.

    Lines of an order without its first line (a file that starts in the middle of an
    order) have no customer: they are left out as missing customer, and the note names
    the orders and says how to fix the export.
    """
    fields = sorted((layout.order_fields if layout else frozenset()) & set(raw.columns))
    if not fields or first is None:
        return raw, []
    # The order's first line, taken for every line of the order: one gather per field
    # rather than a group-by (the first line is where the platform writes them).
    filled = {f: _taken(raw[f], first) for f in fields}
    marker = "status" if "status" in filled else "customer"
    orphan = filled[marker].isna().to_numpy() & raw["invoice"].notna().to_numpy()
    if "customer" in filled and orphan.any():
        filled["customer"] = filled["customer"].mask(orphan)
    carried = raw.assign(**filled)
    if not orphan.any() or layout is None:
        return carried, []
    orders = pd.unique(raw["invoice"].to_numpy()[orphan])
    return carried, [
        f"{int(orphan.sum()):,} line(s) of {_orders(orders)} have no first line with the "
        f"order's {'status and ' if marker == 'status' else ''}customer (the file starts or "
        f"was cut in the middle of an order), so they were left out: export whole orders "
        f"from {layout.name.removesuffix(' export')} again."
    ]


def _taken(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """Each line's value, or where it is blank, the value on line ``rows`` of it."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # on the codes: no text is touched
        codes = values.cat.codes.to_numpy()
        codes = np.where(codes >= 0, codes, codes[rows])
        return pd.Series(
            pd.Categorical.from_codes(codes, dtype=values.dtype, validate=False),
            index=values.index,
        )
    taken = values.take(rows)
    taken.index = values.index
    return values.where(values.notna(), taken)


def once_per_order(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """An order-level amount repeated on the order's lines, kept on its first line only."""
    return np.where(first == np.arange(len(first)), values, np.nan)


def capped_refunds(
    refunded: np.ndarray, amount: np.ndarray, keys: np.ndarray, invoice: pd.Series | None
) -> tuple[np.ndarray, list[str]]:
    """Refunds (positive) no larger than what each order sold (its positive line values),
    and a note naming the orders (or, without ``invoice``, the file's lines) whose refund
    was larger.

    A refund above the items' value also gave back shipping or tax, which were never
    counted as revenue; only the items' part is a return.
    """
    refunded = np.abs(refunded)
    if not (refunded > 0).any():  # nothing refunded: nothing to compare
        return refunded, []
    sold = np.bincount(keys, weights=np.where(amount > 0, amount, 0.0))
    asked = np.bincount(keys, weights=np.nan_to_num(refunded))
    over = asked > sold + 0.005
    if not over.any():
        return refunded, []
    share = np.divide(sold, asked, out=np.zeros_like(sold), where=asked > 0)
    scaled = np.where(over[keys], refunded * share[keys], refunded)
    lines = np.flatnonzero(over[keys] & (refunded > 0))
    if invoice is None:  # the file's line: after the header, counting from 1
        named = "line " + ", ".join(str(i + 2) for i in lines[:SHOWN_ORDERS])
        named += f" and {len(lines) - SHOWN_ORDERS:,} more" if len(lines) > SHOWN_ORDERS else ""
    else:
        named = _orders(pd.unique(invoice.iloc[lines].to_numpy()))
    return scaled, [
        f"The refund on {named} is larger than what was sold (shipping or tax refunded "
        "too, which are not revenue): only the items' value was counted as returned."
    ]


def status_meanings(values: pd.Series, column: str) -> tuple[pd.Categorical, list[str]]:
    """Each line's status read as ``statuses.SALE``, ``NOT_A_SALE`` or ``UNKNOWN`` (NA when
    blank: a blank status says nothing), and notes naming the values that are not sales
    and those not known, with their line counts.

    Each distinct value is read once: a status column holds a handful of them.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques]
    categories = [statuses.SALE, statuses.NOT_A_SALE, statuses.UNKNOWN]
    meanings = np.array(
        [categories.index(statuses.meaning(t)) if t else -1 for t in texts], dtype=np.int8
    )
    line_codes = np.where(codes >= 0, meanings[np.clip(codes, 0, None)], -1).astype(np.int8)
    rows = np.bincount(codes[codes >= 0], minlength=len(texts))
    notes = [
        _status_note(column, texts, meanings, rows, categories.index(m), said)
        for m, said in (
            (statuses.NOT_A_SALE, "are not sales (no money was taken), so they were left out."),
            (
                statuses.UNKNOWN,
                "were left out: I don't know whether that status was paid. If they are "
                "sales, write 'paid' in their status (or 'cancelled' if not) and upload again.",
            ),
        )
    ]
    kept = pd.Categorical.from_codes(line_codes, categories=categories, validate=False)
    return kept, [n for n in notes if n]


def _status_note(
    column: str, texts: list[str], meanings: np.ndarray, rows: np.ndarray, code: int, said: str
) -> str:
    counts: Counter[str] = Counter()
    for text, meaning, n in zip(texts, meanings, rows, strict=True):
        if meaning == code and n:
            counts[text] += int(n)
    if not counts:
        return ""
    return f"Lines whose status ('{column}') is {statuses.listing(counts.items())} {said}"


def _orders(orders) -> str:
    shown = ", ".join(str(o) for o in list(orders)[:SHOWN_ORDERS])
    more = len(orders) - SHOWN_ORDERS
    word = "order" if len(orders) == 1 else "orders"
    return f"{word} {shown}" + (f" and {more:,} more" if more > 0 else "")
