"""An upload's products worked out alongside its clustering.

What each customer bought, and what to offer each, need no segments: a run reads and scores
them on a thread while it clusters and predicts (the engine and the sparse products leave the
interpreter to the clustering), and only the segments' own queries wait for the labels. Past
``OFFERS_ALONGSIDE`` lines, what was bought is read once the run's date is known rather
than beside the engine's own queries, and the offers are scored after it while the segments'
queries run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

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
    transactions: pa.Table | pd.DataFrame, *, as_of: dt.date | None, offers: bool = True
) -> Iterator[Alongside]:
    """The products of ``transactions``, given each customer's segment: what was bought read
    on a thread, as of ``as_of`` as the run was asked (None: the day after the last
    purchase, which leaves every line that counts), and (with ``offers``) the customers'
    offers scored once the run says the date it measures to (``Alongside.measures_to``)."""
    run_as_of: Future[dt.date | None] = Future()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="offers") as pool:
        try:
            scored = None
            # With offers to score (the longer part) on an export of up to
            # ``OFFERS_ALONGSIDE`` lines, read at once, while the engine cleans and
            # aggregates; otherwise once the run's date is known, while the clustering leaves
            # a core free (reading it earlier slowed the engine more than it saved: 0.07 s of
            # a 1.6 s `segbot segment`, 1 s on the 10× export).
            at_once = offers and len(transactions) <= OFFERS_ALONGSIDE
            ready = _now if at_once else run_as_of.result
            # Without offers to score, nothing else waits on the thread: it reads the
            # products' names too, which the segments' queries would otherwise wait for.
            bought = meanwhile(pool, _bought_once, ready, transactions, as_of, not offers)
            if bought is not None and offers:  # the same thread, once it has read them
                scored = meanwhile(pool, _offers_after, bought, run_as_of.result)
            yield Alongside(transactions, run_as_of, bought, scored, offers)
        finally:
            if not run_as_of.done():  # the run stopped before its date was known
                run_as_of.set_result(None)


@dataclass(frozen=True)
class Alongside:
    """The products being worked out alongside a run (``products_alongside``): what was
    bought and the customers' offers, each waited for by calling it (None when neither is
    worked out apart), and the run's date, told once it is known."""

    transactions: pa.Table | pd.DataFrame
    run_as_of: Future[dt.date | None]
    bought: Callable[[], Bought | None] | None
    scored: Callable[[], Offers | None] | None
    offers: bool

    def measures_to(self, as_of: dt.date) -> None:
        """The run's own date: the customers' offers are scored as of it."""
        self.run_as_of.set_result(as_of)

    def basket(self, labels: pd.Series, as_of: dt.date) -> Products:
        """The products of the run's segments (``labels``: segment per customer)."""
        return products_of_frame(
            self.transactions, labels, as_of=as_of, bought=self.bought, offers=self.scored,
            per_customer=self.offers,
        )  # fmt: skip


def _now() -> bool:
    return True


def _bought_once(
    ready: Callable[[], object],
    transactions: pa.Table | pd.DataFrame,
    as_of: dt.date | None,
    names: bool,
) -> Bought | None:
    """What was bought (and with ``names``, the products' names), read once ``ready()``
    returns (nothing when the run stopped first)."""
    if ready() is None:
        return None
    return bought_of_frame(transactions, as_of=as_of, names=names)


def _offers_after(
    bought: Callable[[], Bought | None], as_of: Callable[[], dt.date | None]
) -> Offers | None:
    read, measured_to = bought(), as_of()
    return (
        None if read is None or measured_to is None else offers_of_bought(read, as_of=measured_to)
    )
