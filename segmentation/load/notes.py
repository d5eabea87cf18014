"""The sentences that say how an upload's values were read: where a line's value came
from, how refunds count, the statuses that are not sales, and the lines cut from their
order. Each is worked out from what the engine returned (``cells``), never re-read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np
import pyarrow as pa

import segmentation.load.status as statuses
from segmentation.errors import ExportError
from segmentation.load.cells import MEANINGS
from segmentation.load.columns import normalise_header
from segmentation.load.orders import OrderRules
from segmentation.load.platforms import ORDER_TOTALS, Layout

SHOWN_ORDERS = 5  # orders named in a note; the rest are counted


def value_notes(fields: set[str], mapping: Mapping[str, str]) -> list[str]:
    """Where each line's value comes from, when that is not plain; raises ExportError when
    the export has no amount and no quantity and price to compute one."""
    both = {"quantity", "price"} <= fields
    if "amount" in fields:
        if not both:
            return []
        if normalise_header(mapping["amount"]) in ORDER_TOTALS:
            return [
                f"'{mapping['amount']}' is an order's total (with shipping and tax), so each "
                f"line's value is '{mapping['quantity']}' × '{mapping['price']}'."
            ]
        return [
            f"Amounts are '{mapping['amount']}' as the file states them, not "
            f"'{mapping['quantity']}' × '{mapping['price']}'."
        ]
    if both:
        return []
    raise ExportError("The file has no amount, and no quantity and unit price to compute it.")


def refund_notes(
    lines: Mapping[str, pa.Array],
    invoice: pa.Array | None,
    rules: OrderRules,
    mapping: Mapping[str, str],
) -> list[str]:
    """How refunds count, and the orders refunded past what they sold."""
    if "refunded" not in lines:
        return []
    column = mapping["refunded"]
    if rules.refunds_netted:
        return [
            f"Quantities are after refunds ('{mapping['quantity']}'): refunded items are "
            f"already out of the sales, so '{column}' is not taken off again."
        ]
    per = ", once per order" if rules.refund_once else ""
    notes = [
        f"Refunds ('{column}'{per}) are returns: net revenue is the sales less them, as "
        "for cancelled lines."
    ]
    over = np.flatnonzero(_flags(lines.get("over_refunded")))
    if len(over):
        notes.append(
            f"The refund on {_named(over, invoice)} is larger than what was sold (shipping or "
            "tax refunded too, which are not revenue): only the items' value was counted as "
            "returned."
        )
    return notes


def orphan_notes(
    lines: Mapping[str, pa.Array],
    invoice: pa.Array | None,
    rules: OrderRules,
    layout: Layout | None,
) -> list[str]:
    """A note on the lines whose order has no first line (cut from the file): left out."""
    orphan = np.flatnonzero(_flags(lines.get("orphan")))
    if not len(orphan) or layout is None or invoice is None:
        return []
    return [
        f"{len(orphan):,} line(s) of {_orders(orphan, invoice)} have no first line with the "
        f"order's {'status and ' if rules.orphan_marker == 'status' else ''}customer (the file "
        f"starts or was cut in the middle of an order), so they were left out: export whole "
        f"orders from {layout.name.removesuffix(' export')} again."
    ]


def _flags(column: pa.Array | None) -> np.ndarray:
    if column is None:
        return np.zeros(0, dtype=bool)
    return column.fill_null(False).to_numpy(zero_copy_only=False)


def _named(rows: np.ndarray, invoice: pa.Array | None) -> str:
    """The orders of these lines, or without order numbers the file's lines (after the
    header, counting from 1)."""
    if invoice is not None:
        return _orders(rows, invoice)
    named = "line " + ", ".join(str(i + 2) for i in rows[:SHOWN_ORDERS])
    more = len(rows) - SHOWN_ORDERS
    return named + (f" and {more:,} more" if more > 0 else "")


def _orders(rows: np.ndarray, invoice: pa.Array) -> str:
    """'orders 1001, 1002 and 3 more': the orders of ``rows``, in the file's order."""
    codes = invoice.indices.take(pa.array(rows)).drop_null().to_numpy(zero_copy_only=False)
    distinct = codes[np.sort(np.unique(codes, return_index=True)[1])]
    orders = invoice.dictionary.take(pa.array(distinct)).to_pylist()
    shown = ", ".join(str(o) for o in orders[:SHOWN_ORDERS])
    more = len(orders) - SHOWN_ORDERS
    word = "order" if len(orders) == 1 else "orders"
    return f"{word} {shown}" + (f" and {more:,} more" if more > 0 else "")


def status_notes(column: pa.Array, codes: pa.Array, meant: pa.Array, name: str) -> list[str]:
    """Notes naming the status values that are not sales and those not known, with the
    lines they stand on (after carrying an order's status to its lines); ``meant`` is what
    each entry of the column's dictionary means (``cells.meaning_of_entries``)."""
    texts = [str(t).strip() if t is not None else "" for t in column.dictionary.to_pylist()]
    meaning = meant.fill_null(-1).to_numpy(zero_copy_only=False)
    line_codes = codes.fill_null(-1).to_numpy(zero_copy_only=False)
    rows = np.bincount(line_codes[line_codes >= 0], minlength=len(texts))
    notes = []
    for wanted, said in (
        (statuses.NOT_A_SALE, "are not sales (no money was taken), so they were left out."),
        (
            statuses.UNKNOWN,
            "were left out: I don't know whether that status was paid. If they are "
            "sales, write 'paid' in their status (or 'cancelled' if not) and upload again.",
        ),
    ):
        counts: Counter[str] = Counter()
        for text, m, n in zip(texts, meaning, rows, strict=True):
            if m == MEANINGS.index(wanted) and n and text:
                counts[text] += int(n)
        if counts:
            notes.append(
                f"Lines whose status ('{name}') is {statuses.listing(counts.items())} {said}"
            )
    return notes
