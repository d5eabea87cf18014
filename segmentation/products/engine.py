"""Products of a run: the engine's queries run, then the recommender on what came back.

``products_of_table`` runs ``segmentation.products.query`` on any ibis table's backend;
``products_of_frame`` on DuckDB in-process over an upload's normalised table. Only rows per
product, per customer and product, and per segment and product come back to Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from segmentation.affinity import SegmentProducts
from segmentation.engine.compiled import Query
from segmentation.engine.local import Local, engine_columns, in_process
from segmentation.engine.remote import Backend
from segmentation.memory import give_back_freed_memory
from segmentation.offers import joined_rows
from segmentation.products.recommend import baskets, next_products, usual_products
from segmentation.products.rows import name_notes, names_of, segments_of
from segmentation.result import PRODUCT_COLUMNS
from segmentation.threads import meanwhile

if TYPE_CHECKING:
    import ibis.expr.types as ir

QUERIES = "segmentation.products.query"  # the builders, imported only to compile
BOUGHT = Query(QUERIES, "bought_rows")
NAMES = Query(QUERIES, "names_of_products")
HELD = Query(QUERIES, "held")
RANKED = Query(QUERIES, "over_indexed")
TOP = Query(QUERIES, "top")
PAIRS = Query(QUERIES, "ranked_pairs")
CATEGORIES = Query(QUERIES, "top_categories")
LISTED = Query(QUERIES, "listed")
BOTH = ("customer_products", "segment_labels")
NO_PRODUCTS = (
    "The export has no product column, so segments are not described by what they buy and "
    "no products are recommended (map one with product=… or product_name=…)."
)


@dataclass(frozen=True)
class Products:
    """Per segment id, what it over-indexes on; per customer (indexed by ``customer_id``), the
    ``PRODUCT_COLUMNS`` (names and ids joined by ``segmentation.offers.joined``); and notes for the reader.
    A run that works out no customer's offers says instead how many each segment would
    list (``listed``: segment id → customers), so that its strategies read the same."""

    segments: Mapping[int, SegmentProducts] = field(default_factory=dict)
    customers: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    listed: Mapping[int, int] | None = None


# Up to this many lines a run reads what was bought at once, while the engine cleans and
# aggregates, and scores the customers' offers after it on the same thread
# (``segmentation.products.alongside``). Past it, what was bought is read only once the
# run's date is known, while it clusters and predicts: reading it beside the engine's own
# queries was 1 s slower on the 10× export and held 1.5 GB more.
OFFERS_ALONGSIDE = 2_000_000


@dataclass(frozen=True)
class Offers:
    """What each customer (``customers``) should be offered next and buys most, as column
    numbers of ``products`` (their ids) per row, -1 past the last."""

    customers: pd.Index
    products: np.ndarray
    next: np.ndarray
    usual: np.ndarray


@dataclass(frozen=True)
class Bought:
    """An upload's rows per customer and product (``query.customer_products``, as Arrow)
    and, when they were read with them, each product's names (``query.names_of_products``,
    indexed by product)."""

    rows: pa.Table
    names: pd.DataFrame | None = None


def bought_of_frame(
    transactions: pa.Table | pd.DataFrame, *, as_of: dt.date, names: bool = False
) -> Bought | None:
    """What each customer bought in an upload's normalised table (with ``names``, and the
    products' names), on the in-process DuckDB (None when it has no product column). It
    needs no segments: a run reads it, and works out the ``offers_of_bought``, while it
    clusters (``segmentation.pipeline``)."""
    arrow = engine_columns(transactions)
    if not _has_products(arrow):
        return None
    with local_lines(arrow) as engine:
        rows = engine.fetch(BOUGHT, ("transactions",), as_of=as_of)
        return Bought(rows, _names(engine, as_of) if names else None)


def offers_of_bought(bought: Bought, *, as_of: dt.date) -> Offers:
    """Each customer's ``Offers``, from what they bought."""
    return _offers(bought.rows, as_of)


def products_of_frame(
    transactions: pa.Table | pd.DataFrame,
    labels: pd.Series,
    *,
    as_of: dt.date,
    bought: Callable[[], Bought | None] | None = None,
    offers: Callable[[], Offers | None] | None = None,
    per_customer: bool = True,
) -> Products:
    """``products_of_table`` for an upload's normalised table (Arrow as loaded and stored,
    or pandas), on the in-process DuckDB. ``bought`` and ``offers`` give what was read and
    worked out already (``bought_of_frame``, ``offers_of_bought``), waited for when needed;
    without ``per_customer`` only the segments' products are worked out.

    What was bought and is not given is read here; the customers' offers not given are then
    scored from it on a thread while the engine runs the segments' queries (the recommender's
    numpy work leaves a core to DuckDB)."""
    arrow = engine_columns(transactions)
    if not _has_products(arrow):
        return Products(notes=(NO_PRODUCTS,))
    with (
        local_lines(arrow, labels=labels) as engine,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="offers") as pool,
    ):
        read = None if bought is None else bought()
        if read is None:
            read = Bought(engine.fetch(BOUGHT, ("transactions",), as_of=as_of))
            if per_customer and offers is None:
                offers = meanwhile(pool, _offers, read.rows, as_of)
        return _products(engine, as_of, offers, read, per_customer=per_customer)


def _has_products(arrow: pa.Table) -> bool:
    return arrow.column("product").null_count < len(arrow) or "product_name" in arrow.column_names


def products_of_table(table: ir.Table, labels: ir.Table, *, as_of: dt.date) -> Products:
    """Products of ``table`` (the engine's columns) for the customers of ``labels``
    (``customer_id``, ``segment``), computed by the table's own backend."""
    return _products(Backend({"transactions": table, "segment_labels": labels}), as_of)


@contextmanager
def local_lines(
    transactions: pa.Table | pd.DataFrame | None = None,
    *,
    labels: pd.Series | None = None,
) -> Iterator[Local]:
    """The in-process engine over ``transactions`` (as ``transactions``) and, given
    ``labels`` (segment per customer id), them as ``segment_labels``."""
    tables = {}
    if transactions is not None:
        tables["transactions"] = engine_columns(transactions)
    if labels is not None:
        tables["segment_labels"] = pa.table({
            "customer_id": labels.index.astype(str).to_numpy(dtype=object),
            "segment": labels.to_numpy(dtype=np.int64),
        })  # fmt: skip
    with in_process(**tables) as engine:
        yield engine


def _products(
    engine: Local | Backend,
    as_of: dt.date,
    offers: Callable[[], Offers | None] | None = None,
    read: Bought | None = None,
    *,
    per_customer: bool = True,
) -> Products:
    """The products of ``engine``'s ``transactions`` for its ``segment_labels``, from what
    each customer bought (``read``, in-process, when it was read already); ``offers``
    (when given, being worked out apart) waited for once the segments' queries have run.
    Without ``per_customer``, the segments' alone."""
    if read is not None and isinstance(engine, Local):
        engine.keep(read.rows, "customer_products")
    else:  # on a source's backend: an expression each query reads, worked out where it lives
        engine.hold(BOUGHT, ("transactions",), "customer_products", as_of=as_of)
    names = _names(engine, as_of) if read is None or read.names is None else read.names
    if len(names) == 0:  # no line names a product: the export has no product column
        return Products(notes=(NO_PRODUCTS,))
    engine.hold(RANKED, BOTH, "ranked")  # read by the top products and the pairs
    top = engine.run(TOP, ("ranked",))
    pairs = engine.run(PAIRS, (*BOTH, "ranked"))
    categories = None
    if "category" in engine.columns("transactions"):
        categories = engine.run(CATEGORIES, ("transactions", "segment_labels"), as_of=as_of)
    segments = segments_of(top, pairs, categories, names)
    if not per_customer:
        counts = engine.run(LISTED, BOTH)
        listed = dict(zip(counts["segment"].astype(int), counts["listed"].astype(int), strict=True))
        return Products(segments=segments, notes=name_notes(names), listed=listed)
    ready = None if offers is None else offers()
    if ready is None:
        ready = _offers(_read_last(engine), as_of)
    customers = _per_customer(ready, names)
    return Products(segments=segments, customers=customers, notes=name_notes(names))


def _names(engine: Local | Backend, as_of: dt.date) -> pd.DataFrame:
    """Each product's names (``query.names_of_products``), indexed by product."""
    return engine.run(NAMES, ("transactions",), as_of=as_of).set_index("product")


def _read_last(engine: Local | Backend) -> pa.Table:
    """The rows per customer and product, read for the last time: in-process, the held
    Arrow itself, which the recommender then lets go of before its matrices need the room."""
    if isinstance(engine, Local):
        return engine.take("customer_products")
    return engine.fetch(HELD, ("customer_products",))


def _offers(rows: pa.Table, as_of: dt.date) -> Offers:
    """The ``Offers`` of ``rows`` (one per customer and product, ``query.customer_products``)."""
    b = baskets(rows, as_of)
    del rows  # the caller holds no other reference: freed before the scores are worked out
    give_back_freed_memory()
    return Offers(customers=b.customers, products=np.asarray(b.products, dtype=object),
                  next=next_products(b), usual=usual_products(b))  # fmt: skip


def _per_customer(offers: Offers, names: pd.DataFrame) -> pd.DataFrame:
    """``PRODUCT_COLUMNS`` per customer who bought a named product."""
    named = names_of(names, offers.products)
    columns = {}
    for column, chosen in (("next", offers.next), ("usual", offers.usual)):
        columns[f"{column}_products"] = joined_rows(chosen, named)
        columns[f"{column}_product_ids"] = joined_rows(chosen, offers.products)
    return pd.DataFrame(columns, index=offers.customers)[list(PRODUCT_COLUMNS)]
