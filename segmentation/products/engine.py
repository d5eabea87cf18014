"""Products of a run: the engine's queries run, then the recommender on what came back.

``products_of_table`` runs ``segmentation.products.query`` on any ibis table's backend;
``products_of_frame`` on DuckDB in-process over an upload's normalised table. Only rows per
product, per customer and product, and per segment and product come back to Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

import segmentation.products.query as q
from segmentation.affinity import SegmentProducts
from segmentation.engine.local import OPTIONAL, database, query_tables, sql
from segmentation.engine.query import NORMALISED
from segmentation.memory import give_back_freed_memory
from segmentation.offers import joined_rows
from segmentation.products.recommend import baskets, next_products, usual_products
from segmentation.products.rows import name_notes, names_of, segments_of
from segmentation.result import PRODUCT_COLUMNS

Run = Callable[[ir.Expr], pd.DataFrame]
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


# Up to this many lines a run works out the customers' offers apart, while it clusters
# (``segmentation.pipeline``); past it, in one pass with the segments' products, which read
# the rows per customer and product once and let them go before the offers' matrices are
# built (on the 10× export, 1 s sooner, and never both in memory: 1.5 GB).
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
    """An upload's rows per customer and product (``q.customer_products``, as Arrow) and
    each product's names (``q.product_names``, indexed by product)."""

    rows: pa.Table
    names: pd.DataFrame


def bought_of_frame(transactions: pa.Table | pd.DataFrame, *, as_of: dt.date) -> Bought | None:
    """What each customer bought in an upload's normalised table, on the in-process DuckDB
    (None when it has no product column). It needs no segments: a run reads it, and works
    out the ``offers_of_bought``, while it clusters (``segmentation.pipeline``)."""
    arrow = _arrow(transactions)
    if not _has_products(arrow):
        return None
    with local_lines(arrow, as_of=as_of) as engine:
        rows = engine.fetch(q.customer_products(engine.lines))
        names = engine.run(q.product_names(engine.keep(rows, "customer_products")))
    return Bought(rows, names.set_index("product"))


def offers_of_bought(bought: Bought, *, as_of: dt.date) -> Offers:
    """Each customer's ``Offers``, from what they bought."""
    rows = query_tables(lambda held: q.per_product(held), held=bought.rows)
    return _offers(rows, as_of)


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
    without ``per_customer`` only the segments' products are worked out."""
    arrow = _arrow(transactions)
    if not _has_products(arrow):
        return Products(notes=(NO_PRODUCTS,))
    with local_lines(arrow, as_of=as_of, labels=labels) as engine:
        read = None if bought is None else bought()
        return _products(engine, as_of, offers, read, per_customer=per_customer)


def _has_products(arrow: pa.Table) -> bool:
    return arrow.column("product").null_count < len(arrow) or "product_name" in arrow.column_names


def _arrow(transactions: pa.Table | pd.DataFrame) -> pa.Table:
    """The engine's columns of ``transactions`` as Arrow (no copy when it already is)."""
    if isinstance(transactions, pa.Table):
        return transactions.select(
            [c for c in (*NORMALISED, *OPTIONAL) if c in transactions.column_names]
        )
    columns = [c for c in (*NORMALISED, *OPTIONAL) if c in transactions.columns]
    return pa.Table.from_pandas(transactions[columns], preserve_index=False)


def products_of_table(table: ir.Table, labels: ir.Table, *, as_of: dt.date) -> Products:
    """Products of ``table`` (the engine's columns) for the customers of ``labels``
    (``customer_id``, ``segment``), computed by the table's own backend."""
    engine = Engine(run=table.get_backend().execute, fetch=lambda expr: expr.to_pyarrow(), lines=q.purchases(table, as_of=as_of),
                    labels=labels)  # fmt: skip
    return _products(engine, as_of)


@dataclass(frozen=True)
class Engine:
    """Where the queries run: ``run`` an expression, the purchases that count (``lines``),
    the customers' segments (``labels``) and, in-process only, ``hold`` an expression's rows
    as a table of their own (as Arrow: they never become Python objects), ``keep`` Arrow rows
    as one, and ``let_go`` of them once read for the last time."""

    run: Run
    fetch: Callable[[ir.Table], pa.Table]
    lines: ir.Table
    labels: ir.Table | None = None
    hold: Callable[[ir.Table, str], ir.Table] | None = None
    keep: Callable[[pa.Table, str], ir.Table] | None = None
    let_go: Callable[[str], None] | None = None


@contextmanager
def local_lines(
    transactions: pa.Table | pd.DataFrame,
    *,
    as_of: dt.date | None,
    labels: pd.Series | None = None,
) -> Iterator[Engine]:
    """The ``Engine`` on a cursor of the in-process DuckDB, over ``transactions`` as of
    ``as_of`` and, given ``labels`` (segment per customer id), them as a table."""
    arrow = _arrow(transactions)
    with database().cursor() as con:

        def register(held: pa.Table, name: str) -> ir.Table:
            con.register(name, held)
            return ibis.table(ibis.Schema.from_pyarrow(held.schema), name=name)

        def hold(expr: ir.Table, name: str) -> ir.Table:
            return register(con.sql(sql(expr.op())).to_arrow_table(), name)

        def run(expr: ir.Expr) -> pd.DataFrame:
            return con.sql(sql(expr.op())).df()

        def fetch(expr: ir.Table) -> pa.Table:
            return con.sql(sql(expr.op())).to_arrow_table()

        def let_go(name: str) -> None:
            con.unregister(name)
            give_back_freed_memory()

        table = register(arrow, "transactions")
        held = None
        if labels is not None:
            held = register(pa.table({"customer_id": labels.index.astype(str).to_numpy(dtype=object),
                                  "segment": labels.to_numpy(dtype=np.int64)}), "segment_labels")  # fmt: skip
        yield Engine(
            run=run, fetch=fetch, lines=q.purchases(table, as_of=as_of), labels=held, hold=hold,
            keep=register, let_go=let_go,
        )  # fmt: skip


def _products(
    engine: Engine,
    as_of: dt.date,
    offers: Callable[[], Offers | None] | None = None,
    read: Bought | None = None,
    *,
    per_customer: bool = True,
) -> Products:
    """The products of ``engine``'s lines, from what each customer bought (``read`` when it
    was read already); ``offers`` (when given, being worked out apart) waited for once the
    segments' queries have run. Without ``per_customer``, the segments' alone."""
    run, labels = engine.run, engine.labels
    if read is not None and engine.keep is not None:
        bought, names = engine.keep(read.rows, "customer_products"), read.names
    else:
        bought = q.customer_products(engine.lines)
        if engine.hold is not None:  # in-process: the rest reads these rows, not every line
            bought = engine.hold(bought, "customer_products")
        names = run(q.product_names(bought)).set_index("product")
    if len(names) == 0:  # no line names a product: the export has no product column
        return Products(notes=(NO_PRODUCTS,))
    ranked = q.over_indexed(bought, labels)
    if engine.hold is not None:  # read by the top products and the pairs: worked out once
        ranked = engine.hold(ranked, "ranked")
    top = run(q.top(ranked))
    pairs = run(q.pairs_query(bought, labels, q.candidates(ranked)))
    categories = None
    if "category" in bought.columns:
        with_category = bought.filter(bought.category.notnull())
        categories = run(q.top(q.over_indexed(with_category, labels, key="category")))
    segments = segments_of(top, pairs, categories, names)
    if not per_customer:
        counts = run(q.listed(bought, labels))
        listed = dict(zip(counts["segment"].astype(int), counts["listed"].astype(int), strict=True))
        return Products(segments=segments, notes=name_notes(names), listed=listed)
    ready = None if offers is None else offers()
    if ready is None:
        ready = _offers(_read_last(engine, q.per_product(bought)), as_of)
    customers = _per_customer(ready, names)
    return Products(segments=segments, customers=customers, notes=name_notes(names))


def _read_last(engine: Engine, expr: ir.Table) -> pa.Table:
    """``expr``'s rows, the held rows let go: the recommender's matrices need the room."""
    rows = engine.fetch(expr)
    if engine.let_go is not None:
        engine.let_go("customer_products")
    return rows


def _offers(rows: pa.Table, as_of: dt.date) -> Offers:
    """The ``Offers`` of ``rows`` (one per customer and product, ``q.per_product``)."""
    b = baskets(rows, as_of)
    del rows  # the caller holds no other reference: freed before the scores are worked out
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
