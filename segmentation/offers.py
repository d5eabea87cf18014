"""The products an offer names: only what the segment over-indexes on, with its figures.

A strategy that speaks of an offer calls these for its wording. Each phrase names a product,
a category or a pair from ``Evidence.products`` (``segmentation.products``: bought by at
least 5 % and at least 10 of the segment's customers, more often than by all customers), so
no strategy names a product the segment does not buy more than the rest. Without products
(an export without a product column, or a segment that over-indexes on none) each returns
None and the strategy keeps its general wording; where the CSV lists each customer's products
but the segment over-indexes on none, ``usual_listed`` and ``next_listed`` say so and point
there instead. Names are cut to ``NAME_CHARS``; escaping them for a message is the renderer's
work.

A customer's products (``PRODUCT_COLUMNS``) are one cell each: ``joined`` writes them, ``split``
reads them back, whatever a name holds.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from segmentation.affinity import PairLift, ProductLift, SegmentProducts
from segmentation.evidence import Evidence
from segmentation.formatting import count, lift_label

NAME_CHARS = 60
SEPARATOR = "; "  # between the names and ids of a customer's products (``PRODUCT_COLUMNS``)
ESCAPE = "\\"  # before a ";" or a backslash that is part of a name, so no name reads as two
PER_CUSTOMER = "listed per customer in the CSV"
NONE_MORE = "this segment buys no product markedly more than the rest"


def joined(values: Iterable[object]) -> str:
    """Names or ids as one cell: joined by ``SEPARATOR``, each ";" and backslash inside a
    value escaped with a backslash (``Tea; green`` and ``Cup`` → ``Tea\\; green; Cup``).
    ``split`` reads it back."""
    return SEPARATOR.join(escaped(v) for v in values)


def escaped(value: object) -> str:
    """One value as it stands in a ``joined`` cell."""
    return str(value).replace(ESCAPE, ESCAPE * 2).replace(";", ESCAPE + ";")


def joined_rows(chosen: np.ndarray, values: Iterable[object]) -> np.ndarray:
    """``joined`` of each row of ``chosen`` (positions in ``values``, -1 for none), as text
    cells. Each value is escaped once, and the cells are joined by Arrow: a run writes four
    for every customer."""
    cells = pa.array([escaped(v) for v in values], type=pa.string())
    present = chosen >= 0
    offsets = np.zeros(len(chosen) + 1, dtype=np.int32)
    np.cumsum(present.sum(axis=1), out=offsets[1:])
    named = cells.take(pa.array(chosen[present], type=pa.int64()))
    rows = pa.ListArray.from_arrays(pa.array(offsets), named)
    return pc.binary_join(rows, SEPARATOR).to_numpy(zero_copy_only=False)


def split(text: str | None) -> list[str]:
    """The values of a ``joined`` cell, in order (none for an empty or missing cell). A cell
    written before values were escaped reads as it did, unless a name held a backslash."""
    values, value, i, text = [], [], 0, text or ""
    while i < len(text):
        if text[i] == ESCAPE and i + 1 < len(text):
            value.append(text[i + 1])
            i += 2
        elif text.startswith(SEPARATOR, i):
            values.append("".join(value))
            value, i = [], i + len(SEPARATOR)
        else:
            value.append(text[i])
            i += 1
    values.append("".join(value))
    return [v for v in values if v]


def name(text: str) -> str:
    """A product's or category's name as a sentence shows it: one line, at most ``NAME_CHARS``."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= NAME_CHARS else flat[: NAME_CHARS - 1] + "…"


def _lead(e: Evidence) -> ProductLift | None:
    products = e.products.products if e.products is not None else ()
    return products[0] if products else None


def _category(e: Evidence) -> ProductLift | None:
    categories = e.products.categories if e.products is not None else ()
    return categories[0] if categories else None


def _figures(item: ProductLift) -> str:
    return f"bought by {count(item.customers, 'customer')} here, {lift_label(item.lift)} the store's rate"


def offer_items(e: Evidence, *, usual: str = "items they buy most") -> str | None:
    """ "CATEGORY (bought by …)" when the segment over-indexes on a category, else "PRODUCT
    (bought by …) and the other items they buy most, listed per customer in the CSV"."""
    category = _category(e)
    if category is not None:
        return f"{name(category.name)} ({_figures(category)})"
    lead = _lead(e)
    if lead is None:
        return None
    return f"{name(lead.name)} ({_figures(lead)}) and the other {usual}, {PER_CUSTOMER}"


def usual_items(e: Evidence) -> str | None:
    """ "their usual items (…, listed per customer in the CSV), such as PRODUCT (…)"."""
    lead = _lead(e)
    if lead is None:
        return None
    return f"their usual items ({PER_CUSTOMER}), such as {name(lead.name)} ({_figures(lead)})"


def usual_listed(e: Evidence, usual: str = "usual items") -> str | None:
    """ "their usual items (listed per customer in the CSV; this segment buys no product
    markedly more than the rest)", for a segment that over-indexes on nothing while the CSV
    lists its customers' products; else None."""
    if e.products or not e.listed:
        return None
    return f"their {usual} ({PER_CUSTOMER}; {NONE_MORE})"


def next_listed(e: Evidence) -> str | None:
    """``next_items``'s per-customer products, for a segment that over-indexes on nothing while
    the CSV lists its customers' products; else None."""
    if e.products or not e.listed:
        return None
    return (
        f"each customer's five next products ({PER_CUSTOMER}: what customers who bought the "
        f"same items bought next; {NONE_MORE})"
    )


def bundle(e: Evidence) -> PairLift | None:
    """The pair of over-indexed products this segment's customers buy together most."""
    pairs = e.products.pairs if e.products is not None else ()
    return pairs[0] if pairs else None


def bundle_phrase(pair: PairLift) -> str:
    """ "bundle A with B: bought together by N of this segment's customers, L× more often
    than chance"."""
    return (
        f"bundle {name(pair.a.name)} with {name(pair.b.name)}: bought together by "
        f"{count(pair.customers, 'customer')} of this segment, {lift_label(pair.lift)} more often "
        "than chance"
    )


def next_items(e: Evidence) -> str | None:
    """ "each customer's next products (…), led for this segment by PRODUCT (…)"."""
    lead = _lead(e)
    if lead is None:
        return None
    return (
        f"each customer's five next products ({PER_CUSTOMER}: what customers who bought the "
        f"same items bought next), and for the segment as a whole {name(lead.name)} "
        f"({_figures(lead)})"
    )


def products_line(products: SegmentProducts | None) -> str | None:
    """One line: what a segment buys more than the rest, with each share and lift, and the
    pairs its customers buy together most; None when it over-indexes on nothing."""
    if not products:
        return None
    parts = []
    if products.products:
        listed = ", ".join(_item(p) for p in products.products)
        parts.append(f"Buys more than the rest: {listed}.")
    if products.categories:
        listed = ", ".join(_item(c) for c in products.categories)
        parts.append(f"Categories: {listed}.")
    if products.pairs:
        listed = "; ".join(
            f"{name(p.a.name)} + {name(p.b.name)} ({count(p.customers, 'customer')}, "
            f"{p.confidence:.0%} of the first's buyers, {lift_label(p.lift)} chance)"
            for p in products.pairs
        )
        parts.append(f"Bought together: {listed}.")
    return " ".join(parts)


def _item(item: ProductLift) -> str:
    return f"{name(item.name)} ({item.share:.0%} of them, {lift_label(item.lift)})"
