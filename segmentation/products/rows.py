"""The engine's rows about products read as what a run says: each product's most frequent
name, and per segment the products, categories and pairs it buys more than the rest
(``segmentation.affinity``'s values)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.affinity import PairLift, ProductLift, SegmentProducts
from segmentation.products.rules import TOP_PAIRS


def name_notes(names: pd.DataFrame) -> tuple[str, ...]:
    if "names" not in names:
        return ()
    several = int((names["names"].fillna(1) > 1).sum())
    if not several:
        return ()
    ids = "1 product id has" if several == 1 else f"{several:,} product ids have"
    return (f"{ids} more than one name; each is shown under its most frequent name.",)


def name_of(names: pd.DataFrame, product: str) -> str:
    """The product's most frequent name (its id when it has none)."""
    return str(names_of(names, np.array([product], dtype=object))[0])


def names_of(names: pd.DataFrame, products: np.ndarray) -> np.ndarray:
    """Each product's most frequent name (its id when it has none), as text."""
    if "name" not in names:
        return products.astype(object)
    found = names["name"].reindex(products).to_numpy(dtype=object)
    return np.where(pd.isna(found), products, found).astype(object)


def segments_of(top: pd.DataFrame, pairs: pd.DataFrame, categories: pd.DataFrame | None,
              names: pd.DataFrame) -> dict[int, SegmentProducts]:  # fmt: skip
    found: dict[int, SegmentProducts] = {}
    ids = set(top["segment"]) | (set() if categories is None else set(categories["segment"]))
    for segment in sorted(int(s) for s in ids):
        mine = top[top["segment"] == segment].sort_values("rank")
        products = tuple(
            _lift(row.product, name_of(names, row.product), row) for row in mine.itertuples()
        )
        cats = ()
        if categories is not None:
            theirs = categories[categories["segment"] == segment].sort_values("rank")
            cats = tuple(_lift(row.category, row.category, row) for row in theirs.itertuples())
        own = pairs[pairs["segment"] == segment]
        found[segment] = SegmentProducts(products, cats, _pairs(own, names))
    return found


def _lift(key: str, name: str, row) -> ProductLift:
    return ProductLift(id=str(key), name=name, customers=int(row.buyers),
                       share=float(row.share), lift=float(row.lift))  # fmt: skip


def _pairs(rows: pd.DataFrame, names: pd.DataFrame) -> tuple[PairLift, ...]:
    """The pairs bought together most (then by lift), only those above chance."""
    if rows.empty:
        return ()
    a, b = rows["a"].tolist(), rows["b"].tolist()
    both, size = rows["both"].to_numpy(float), rows["size"].to_numpy(float)
    buyers_a, buyers_b = rows["buyers_a"].to_numpy(float), rows["buyers_b"].to_numpy(float)
    lift = both * size / (buyers_a * buyers_b)
    # Most customers first, then the larger lift, then by ids (a segment's pairs are few).
    ranked = sorted(np.flatnonzero(lift > 1.0), key=lambda i: (-both[i], -lift[i], a[i], b[i]))
    chosen = []
    for i in ranked[:TOP_PAIRS]:
        # ``a`` is the side with fewer buyers: the larger confidence, "of those who buy a…".
        first, second, na, nb = a[i], b[i], buyers_a[i], buyers_b[i]
        if nb < na:
            first, second, na, nb = second, first, nb, na
        chosen.append(PairLift(
            a=ProductLift(str(first), name_of(names, first), int(na), na / size[i], 0.0),
            b=ProductLift(str(second), name_of(names, second), int(nb), nb / size[i], 0.0),
            customers=int(both[i]), support=both[i] / size[i],
            confidence=both[i] / na, lift=float(lift[i]),
        ))  # fmt: skip
    return tuple(chosen)
