"""An upload's products worked out alongside its clustering.

What each customer bought, and what to offer each, need no segments: a run reads and scores
them on a thread while it clusters and predicts (the engine and the sparse products leave the
interpreter to the clustering), and only the segments' own queries wait for the labels. Past
``OFFERS_ALONGSIDE`` lines, clustering works on a sample and hides little, and the products
are worked out in one pass once the segments are known (``products_of_frame``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pandas as pd
import pyarrow as pa

from segmentation.products.engine import (
    OFFERS_ALONGSIDE,
    Bought,
    Offers,
    Products,
    bought_of_frame,
    offers_of_bought,
    products_of_frame,
)
from segmentation.threads import meanwhile

# What the segments and customers bought, given each customer's segment and the as-of; a
# run without one says nothing of products (``segmentation.pipeline``).
Basket = Callable[[pd.Series, dt.date], Products]


@contextmanager
def products_alongside(
    transactions: pa.Table | pd.DataFrame, *, as_of: dt.date, offers: bool = True
) -> Iterator[Basket]:
    """The products of ``transactions`` as of ``as_of``, given each customer's segment:
    what was bought read, and (with ``offers``) the customers' offers scored, from the moment
    this is entered."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="offers") as pool:
        bought = scored = None
        if len(transactions) <= OFFERS_ALONGSIDE:
            bought = meanwhile(pool, bought_of_frame, transactions, as_of=as_of)
        if bought is not None and offers:  # the same thread, once it has read what was bought
            scored = meanwhile(pool, _offers_after, bought, as_of)

        def basket(labels: pd.Series, as_of: dt.date) -> Products:
            return products_of_frame(
                transactions, labels, as_of=as_of, bought=bought, offers=scored,
                per_customer=offers,
            )  # fmt: skip

        yield basket


def _offers_after(bought: Callable[[], Bought | None], as_of: dt.date) -> Offers | None:
    read = bought()
    return None if read is None else offers_of_bought(read, as_of=as_of)
