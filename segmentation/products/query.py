"""What was bought, as ibis expressions: per customer and product, per product, per segment.

The same expressions run on DuckDB in-process and on a source's own backend; only one row
per customer and product, per product, or per segment and product comes back. Input: a
table of the engine's ``NORMALISED`` columns (``product_name`` and ``category`` when the
export has them) and, for the segment queries, a table of ``customer_id`` and ``segment``.

A line counts when it is a kept purchase (``segmentation.engine.query.drop_reason`` is
null), not a cancellation, before the as-of, and names a product (its id, or its name when
the export has no id on that line) that is not a service or a correction (``offered``).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from segmentation.engine.query import cancelled, drop_reason
from segmentation.products.rules import (
    MIN_BUYERS,
    MIN_SHARE,
    NOT_A_PRODUCT,
    PAIR_CANDIDATES,
    PRODUCT_TEXT,
    TOP,
)


def purchases(t: ir.Table, *, as_of: dt.date | None) -> ir.Table:
    """The lines that count, with ``product`` filled from ``product_name`` where blank."""
    keep = drop_reason(t).isnull() & ~cancelled(t)
    if as_of is not None:
        keep &= t.timestamp < dt.datetime.combine(as_of, dt.time())
    product = t["product"]
    if "product_name" in t.columns:
        product = product.coalesce(t["product_name"])
    t = t.mutate(product=product)
    return t.filter(keep & t["product"].notnull())


def offered(lines: ir.Table) -> ir.Table:
    """``lines`` less those that name a service or a correction (``NOT_A_PRODUCT``), read from
    the line's product name, or its product id when the export has no name column."""
    text = lines["product_name"] if "product_name" in lines.columns else lines["product"]
    return lines.filter(~text.re_search(NOT_A_PRODUCT).fill_null(False))


def customer_products(lines: ir.Table) -> ir.Table:
    """One row per customer and product: the ``lines`` that bought it and the ``last_bought``
    time. The recommender and the segments' products read this; the names and categories
    are read from the lines (``product_names``, ``top_categories``)."""
    lines = offered(lines)
    return lines.group_by(["customer_id", "product"]).aggregate(
        lines=lines.count(), last_bought=lines.timestamp.max()
    )


def product_names(lines: ir.Table) -> ir.Table:
    """One row per product of ``lines`` (``purchases``): ``name`` (its most frequent, by
    lines; ties by text), ``names`` (how many different names it had) and ``category`` (its
    most frequent), where the export has them."""
    columns = [c for c in PRODUCT_TEXT if c in lines.columns]
    # Lines counted per product and text first: the few rows the names are read from, and
    # what is not a product is told from them rather than line by line.
    counted = offered(lines.group_by(["product", *columns]).aggregate(_n=lines.count()))
    base = counted.select("product").distinct()
    for column in columns:
        named = counted.filter(counted[column].notnull())
        named = named.group_by(["product", column]).aggregate(_n=named._n.sum())
        rank = ibis.row_number().over(
            group_by=named["product"], order_by=[ibis.desc(named._n), named[column]]
        )
        first = named.mutate(_rank=rank, _names=named.count().over(group_by="product"))
        first = first.filter(first._rank == 0)
        out = "name" if column == "product_name" else column
        keep = {out: first[column], "product": first["product"]}
        if column == "product_name":
            keep["names"] = first._names
        base = base.left_join(first.select(**keep), "product").drop("product_right")
    return base


def over_indexed(bought: ir.Table, labels: ir.Table, *, key: str = "product") -> ir.Table:
    """Per segment, the values of ``key`` (a product, or a category) it over-indexes on:
    ``segment``, ``key``, ``buyers`` (its customers who bought it), ``size`` (its customers),
    ``share``, ``lift`` (share / share among all labelled customers), and ``rank`` (by lift)
    and ``rank_buyers`` (by buyers) within the segment, from 0.

    ``bought`` has one row per customer and ``key`` (``customer_products``; several would
    each count)."""
    joined = bought.select("customer_id", key).join(labels, "customer_id")
    sizes = labels.group_by("segment").aggregate(size=labels.count())
    # All labelled customers as a one-row table, not a scalar: ibis reads the same count
    # inside ``sizes`` and outside as one expression.
    everyone = labels.aggregate(_everyone=labels.segment.count())
    overall = joined.group_by(key).aggregate(_all=joined.count())
    per = joined.group_by(["segment", key]).aggregate(buyers=joined.count())
    per = per.join(sizes, "segment").join(overall, key).cross_join(everyone)
    share = per.buyers.cast("float64") / per["size"]
    lift = share / (per._all.cast("float64") / per._everyone)
    per = per.mutate(share=share, lift=lift)
    per = per.filter((per.buyers >= MIN_BUYERS) & (per.share >= MIN_SHARE) & (per.lift > 1.0))
    by_lift = ibis.row_number().over(
        group_by=per.segment, order_by=[ibis.desc(per.lift), ibis.desc(per.buyers), per[key]]
    )
    by_buyers = ibis.row_number().over(
        group_by=per.segment, order_by=[ibis.desc(per.buyers), ibis.desc(per.lift), per[key]]
    )
    return per.select(
        "segment", key, "buyers", "size", "share", "lift", rank=by_lift, rank_buyers=by_buyers
    )


def listed(bought: ir.Table, labels: ir.Table) -> ir.Table:
    """Per segment, its customers whose products a run lists (``segment``, ``listed``): those
    who bought a product at all, as each has a usual product then."""
    who = bought.select("customer_id").distinct().join(labels, "customer_id")
    return who.group_by("segment").aggregate(listed=who.count())


def top(ranked: ir.Table) -> ir.Table:
    """``over_indexed``'s ``TOP`` per segment, by lift."""
    return ranked.filter(ranked["rank"] < TOP)


def candidates(ranked: ir.Table) -> ir.Table:
    """``over_indexed``'s ``PAIR_CANDIDATES`` most-bought products per segment."""
    return ranked.filter(ranked.rank_buyers < PAIR_CANDIDATES)


def pairs_query(bought: ir.Table, labels: ir.Table, candidates: ir.Table) -> ir.Table:
    """Per segment, the pairs of its ``candidates`` (``segment``, ``product``, ``buyers``)
    bought by the same customers: ``segment``, ``a``, ``b`` (a < b), ``both`` (its customers
    who bought the two), ``buyers_a``, ``buyers_b`` and ``size``; only pairs bought together
    by at least ``MIN_BUYERS`` customers."""
    mine = bought.select("customer_id", "product").join(labels, "customer_id")
    mine = mine.join(candidates.select("segment", "product"), ["segment", "product"])
    # A group-by the optimiser cannot see through: joined first, the two sides of the
    # self-join would meet on every product a customer bought (DuckDB took 20 GB so).
    mine = mine.group_by(["customer_id", "segment", "product"]).aggregate(_n=mine.count())
    left = mine.select("customer_id", "segment", a="product")
    right = mine.view().select("customer_id", "segment", b="product")  # a self-join needs a view
    both = left.join(right, ["customer_id", "segment"])
    both = both.filter(both.a < both.b)
    counted = both.group_by(["segment", "a", "b"]).aggregate(both=both.count())
    counted = counted.filter(counted.both >= MIN_BUYERS)
    sizes = candidates.select("segment", a="product", buyers_a="buyers", size="size")
    counted = counted.join(sizes, ["segment", "a"])
    other = candidates.select("segment", b="product", buyers_b="buyers")
    return counted.join(other, ["segment", "b"])


# What ``segmentation.products.engine`` runs, by name (``compiled.Query``), over the tables
# it names: ``transactions``, ``customer_products`` (``bought``), ``segment_labels`` and
# ``ranked`` (``over_indexed`` of the two).


def bought_rows(transactions: ir.Table, *, as_of: dt.date | None) -> ir.Table:
    """``customer_products`` of the lines that count as of ``as_of``."""
    return customer_products(purchases(transactions, as_of=as_of))


def names_of_products(transactions: ir.Table, *, as_of: dt.date | None) -> ir.Table:
    """``product_names`` of the lines that count as of ``as_of``."""
    return product_names(purchases(transactions, as_of=as_of))


def held(rows: ir.Table) -> ir.Table:
    """A held table's rows, read back (on a source's backend, where it is an expression)."""
    return rows


def ranked_pairs(bought: ir.Table, labels: ir.Table, ranked: ir.Table) -> ir.Table:
    """``pairs_query`` among the ``candidates`` of a held ``over_indexed``."""
    return pairs_query(bought, labels, candidates(ranked))


def top_categories(transactions: ir.Table, labels: ir.Table, *, as_of: dt.date | None) -> ir.Table:
    """``top`` of the categories each segment over-indexes on, among the lines that count
    as of ``as_of``."""
    lines = offered(purchases(transactions, as_of=as_of))
    bought = lines.filter(lines.category.notnull()).select("customer_id", "category").distinct()
    return top(over_indexed(bought, labels, key="category"))
