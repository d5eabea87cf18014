"""The cleaning rules and per-customer features, written once as ibis expressions.

The same expressions run on DuckDB in-process (uploads), and compile for any ibis backend
(Postgres, Spark, BigQuery, Snowflake, Trino…), so a team's warehouse does the aggregation
and only one row per customer comes back. Input: a table with the ``NORMALISED`` columns.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.datatypes as idt
import ibis.expr.types as ir

from segmentation.engine.columns import (
    DROP_REASONS,
    NOT_A_SALE,
    PRODUCT_COLUMNS,
    STATUS_COLUMNS,
    UNKNOWN_STATUS,
)
from segmentation.engine.contacts import CONTACT_FIELDS

# Purchase dates outside these are typing errors or placeholders (1600-01-01, 9999-12-31);
# the reader saturates dates pandas cannot hold at its ends, so they land outside too.
EARLIEST, LATEST = dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)
# Quantities, prices and amounts beyond this (or infinite) are not sales: 1e308 or "inf" in one
# line would make every total infinite. A quadrillion leaves room for any currency.
LARGEST = 1e15
# UCI-style cancellations: "C" followed by digits only (C536379, any case). Order ids that merely
# start with C ("CA-2019-152156", a Canadian superstore order) are purchases.
CANCELLED_INVOICE = r"^[Cc][0-9]+$"


def drop_reason(t: ir.Table) -> ir.StringValue:
    """The first rule a line breaks (one of ``DROP_REASONS``), or null for a kept purchase."""
    too_large = (
        (t.quantity.abs() > LARGEST) | (t.price.abs() > LARGEST) | (t.amount.abs() > LARGEST)
    )
    rules = [
        _status_is(t, NOT_A_SALE),
        _status_is(t, UNKNOWN_STATUS),
        t.customer_id.isnull(),
        t.timestamp.isnull(),
        (t.timestamp < EARLIEST) | (t.timestamp >= LATEST),
        t.amount.isnull() | t.amount.isnan(),
        too_large,
        t.quantity <= 0,
        t.price <= 0,
        t.amount <= 0,
    ]
    return ibis.cases(*[(rule, reason) for rule, reason in zip(rules, DROP_REASONS, strict=True)])


def _status_is(t: ir.Table, meaning: str) -> ir.BooleanValue:
    if "status" not in t.columns:
        return ibis.literal(False)
    return (t.status == meaning).fill_null(False)


def refunded(t: ir.Table) -> ir.BooleanValue:
    """Whether a line's refund (an order's refund sits on one of its lines, never negative)
    counts: the line is a sale of a known customer on a readable date. A counted refund is
    a return, as a cancelled line's value is."""
    sale = ~_status_is(t, NOT_A_SALE) & ~_status_is(t, UNKNOWN_STATUS)
    dated = t.timestamp.notnull() & (t.timestamp >= EARLIEST) & (t.timestamp < LATEST)
    return sale & t.customer_id.notnull() & dated.fill_null(False)


def cancelled(t: ir.Table) -> ir.BooleanValue:
    """True for a cancellation or return: a "C" + digits invoice, or a customer's line with a
    negative quantity or amount. Negative lines without a customer are left out: in the UCI
    data they are stock write-offs and bad-debt adjustments (1,338 lines, all but two worth
    nothing), which nobody returned."""
    # The first letter first: the pattern then runs on a few lines in a hundred, not all.
    starts_with_c = t.invoice.startswith("C") | t.invoice.startswith("c")
    by_invoice = (starts_with_c & t.invoice.re_search(CANCELLED_INVOICE)).fill_null(False)
    negative = ((t.quantity < 0) | (t.amount < 0)).fill_null(False)
    # A voided, failed or unknown order took no money, so it gave none back either.
    no_money = _status_is(t, NOT_A_SALE) | _status_is(t, UNKNOWN_STATUS)
    return (by_invoice | (negative & t.customer_id.notnull())) & ~no_money


def audit_query(t: ir.Table) -> ir.Table:
    """One row: lines per drop reason, lines kept, spend, cancellations, first and last
    purchase, and how many kept lines carry an invoice (which decides what an order is)."""
    marked = t.mutate(_reason=drop_reason(t), _cancelled=cancelled(t))
    kept = marked._reason.isnull()
    counts = {
        f"dropped_{i}": (marked._reason == reason).sum().fill_null(0)
        for i, reason in enumerate(DROP_REASONS)
    }
    totals = marked.aggregate(
        lines=marked.count(),
        rows_kept=kept.sum().fill_null(0),
        total_spend=marked.amount.sum(where=kept),
        cancelled_lines=marked._cancelled.sum().fill_null(0),
        first_purchase=marked.timestamp.min(where=kept),
        last_purchase=marked.timestamp.max(where=kept),
        kept_invoices=marked.invoice.count(where=kept),
        **counts,
    )
    # Cancelled invoices are counted apart: a DISTINCT aggregate among the others made DuckDB
    # aggregate all of them the slow way (23 CPU s on 100 M lines instead of 10).
    invoices = t.filter(cancelled(t) & t.invoice.notnull()).select("invoice").distinct()
    return totals.cross_join(invoices.aggregate(cancellations=invoices.count()))


def different_lines_query(t: ir.Table, *, backend: str | None = None) -> ir.Table:
    """One row, ``distinct_lines``: how many different lines ``t`` has (every column
    compared). Lines minus these are exact repeats: reported and kept, as they may be genuine
    repeat scans. On a ``backend`` of ``LINE_FINGERPRINTS`` lines are grouped by a 128-bit
    fingerprint instead of by every column; elsewhere by a portable DISTINCT.

    A query of its own: run beside the audit's totals in one statement, DuckDB held both
    hash tables at once and spilled on 100 M lines (43 CPU s instead of about 30).
    """
    fingerprint = LINE_FINGERPRINTS.get(backend or "")
    if fingerprint is None:
        distinct = t.distinct()
        return distinct.aggregate(distinct_lines=distinct.count())
    first, second = fingerprint(t)
    lines = t.aggregate(by=[first.name("_first"), second.name("_second")], _lines=t.count())
    return lines.aggregate(distinct_lines=lines.count())


def different_sold_lines(t: ir.Table, *, backend: str | None = None) -> ir.Table:
    """``different_lines_query`` over the columns that say what was sold. Exact repeats
    compare the line as sold; a status's meaning and an order's refund are read from those
    same columns, a product's name and category from its code (and a ninth column would
    slow the fingerprint). Contact columns are who bought, not what was sold."""
    aside = (*STATUS_COLUMNS, *PRODUCT_COLUMNS, *CONTACT_FIELDS)
    return different_lines_query(
        t.select([c for c in t.columns if c not in aside]), backend=backend
    )


@ibis.udf.scalar.builtin(name="hash")
def _hash8(a, b, c, d, e, f, g, h) -> idt.uint64:
    """DuckDB's 64-bit hash of eight values at once: a third cheaper than hashing a struct."""


@ibis.udf.scalar.builtin(name="hash")
def _hash_value(value) -> idt.uint64:
    """DuckDB's 64-bit hash of one value (a struct, for lines wider than eight columns)."""


def _duckdb_fingerprint(t: ir.Table) -> tuple[ir.IntegerValue, ir.IntegerValue]:
    """128 bits per line on DuckDB: its 64-bit hash of the line's values in order, and of
    them in reverse order (DuckDB chains value hashes in order, so the two differ).

    Two different lines count as one only if both hashes collide: about 1 in 10^23 for a pair
    among 100 M lines, where an exact check of every line sharing a 64-bit hash cost 10 of the
    40 CPU seconds of 100 M lines' features. Grouping two hashes rather than every column
    also keeps DuckDB in its memory limit.
    """
    columns = [t[c] for c in t.columns]
    if len(columns) > 8:
        fields = {c: t[c] for c in t.columns}
        reverse = dict(reversed(fields.items()))
        return _hash_value(ibis.struct(fields)), _hash_value(ibis.struct(reverse))
    columns += [ibis.literal(None, type="string")] * (8 - len(columns))  # the same on every line
    return _hash8(*columns), _hash8(*reversed(columns))


# Backends whose line fingerprint beats their DISTINCT over every column. Not Postgres: its
# hash_record_extended of a row took 15 s on 10 M lines where DISTINCT took 12.
LINE_FINGERPRINTS = {"duckdb": _duckdb_fingerprint}


def customers_query(
    t: ir.Table,
    *,
    as_of: dt.date | None,
    orders_by_invoice: bool,
    check_from: dt.date | None = None,
) -> ir.Table:
    """One row per customer who bought at all: ``first_purchase``, ``last_purchase``,
    ``frequency`` (distinct invoices, or distinct purchase times when the export has no
    invoices), ``total_spend``, ``returns_value`` (cancelled or returned lines' absolute
    amounts, and refunds, see ``refunds``) and ``bought`` (purchase lines): all of them
    before ``as_of``, when given. With ``check_from``, also ``check_first``, ``check_last``,
    ``check_frequency`` and ``check_spend``: the same over the orders placed before that day
    (an order counts by its first line), to check predictions made then against what came
    after.

    Two group-bys (per order, then per customer) instead of a DISTINCT count per customer:
    hash aggregates every engine runs in parallel (Postgres never parallelises a DISTINCT
    aggregate, and sorts for it).
    """
    t = t.filter(t.customer_id.notnull())
    ever = drop_reason(t).isnull()
    kept, returned = ever, cancelled(t)
    refunds = "refunded" in t.columns  # only then: the usual export's query stays as it was
    counted = refunded(t) if refunds else ibis.literal(False)
    if as_of is not None:
        cutoff = dt.datetime.combine(as_of, dt.time())
        kept &= t.timestamp < cutoff
        returned &= (t.timestamp < cutoff).fill_null(False)
        counted &= (t.timestamp < cutoff).fill_null(False)
    # A line without an invoice among invoiced ones still is an order (one per customer).
    order = t.invoice.fill_null("") if orders_by_invoice else t.timestamp
    # Each rule once per line, as columns, not once per aggregate that reads it.
    t = t.mutate(_ever=ever, _kept=kept, _returned=returned, _order=order, _counted=counted)
    returns = t.amount.abs().sum(where=t._returned)
    if refunds:
        returns = returns.fill_null(0.0) + t.refunded.sum(where=t._counted).fill_null(0.0)
    orders = t.group_by(["customer_id", "_order"]).aggregate(
        _first=t.timestamp.min(where=t._kept),
        _last=t.timestamp.max(where=t._kept),
        _spend=t.amount.sum(where=t._kept),
        _returns=returns,
        _lines=t._kept.sum(),
        _ever=t._ever.sum(),
    )
    customers = orders.group_by("customer_id").aggregate(
        first_purchase=orders._first.min(),
        last_purchase=orders._last.max(),
        frequency=(orders._lines > 0).sum(),
        total_spend=orders._spend.sum(),
        returns_value=orders._returns.sum(),
        bought=orders._lines.sum(),
        _ever=orders._ever.sum(),
        **_check_aggregates(orders, check_from),
    )
    return customers.filter(customers._ever > 0).drop("_ever")


def _check_aggregates(orders: ir.Table, check_from: dt.date | None) -> dict[str, ir.Value]:
    """The per-customer aggregates of the orders placed before ``check_from`` (none without)."""
    if check_from is None:
        return {}
    before = (orders._first < dt.datetime.combine(check_from, dt.time())).fill_null(False)
    return {
        "check_first": orders._first.min(where=before),
        "check_last": orders._first.max(where=before),
        "check_frequency": before.sum(),
        "check_spend": orders._spend.sum(where=before),
    }
