"""The cleaning rules and per-customer features, written once as ibis expressions.

The same expressions run on DuckDB in-process (uploads), and compile for any ibis backend
(Postgres, Spark, BigQuery, Snowflake, Trino…), so a team's warehouse does the aggregation
and only one row per customer comes back. Input: a table with the ``NORMALISED`` columns.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

# The columns the expressions read. ``invoice`` and ``product`` may be all null; ``country``
# is optional (when present it takes part in telling exact repeats apart).
NORMALISED = ("customer_id", "invoice", "timestamp", "product", "quantity", "price", "amount")
# Drop reasons in the order they are checked; each dropped line is counted once, under the first.
DROP_REASONS = (
    "missing customer",
    "unreadable date",
    "date out of range",
    "not a number",
    "number too large",
    "quantity not positive",
    "price not positive",
    "amount not positive",
)
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


def cancelled(t: ir.Table) -> ir.BooleanValue:
    """True for a cancellation or return: a "C" + digits invoice, or a customer's line with a
    negative quantity or amount. Negative lines without a customer are left out: in the UCI
    data they are stock write-offs and bad-debt adjustments (1,338 lines, all but two worth
    nothing), which nobody returned."""
    by_invoice = t.invoice.re_search(CANCELLED_INVOICE).fill_null(False)
    negative = ((t.quantity < 0) | (t.amount < 0)).fill_null(False)
    return by_invoice | (negative & t.customer_id.notnull())


def audit_query(t: ir.Table) -> ir.Table:
    """One row: lines per drop reason, lines kept, customers, spend, cancellations, first and
    last purchase, different lines, and how many kept lines carry an invoice (which decides
    what an order is)."""
    t = t.mutate(_reason=drop_reason(t), _cancelled=cancelled(t))
    kept = t._reason.isnull()
    counts = {
        f"dropped_{i}": (t._reason == reason).sum().fill_null(0)
        for i, reason in enumerate(DROP_REASONS)
    }
    totals = t.aggregate(
        lines=t.count(),
        rows_kept=kept.sum().fill_null(0),
        customers=t.customer_id.nunique(where=kept),
        total_spend=t.amount.sum(where=kept),
        cancellations=t.invoice.nunique(where=t._cancelled),
        cancelled_lines=t._cancelled.sum().fill_null(0),
        first_purchase=t.timestamp.min(where=kept),
        last_purchase=t.timestamp.max(where=kept),
        kept_invoices=t.invoice.count(where=kept),
        **counts,
    )
    # Lines minus different lines (every column compared) are exact repeats: reported and
    # kept, as they may be genuine repeat scans.
    distinct = t.drop("_reason", "_cancelled").distinct()
    return totals.cross_join(distinct.aggregate(distinct_lines=distinct.count()))


def customers_query(
    t: ir.Table, *, as_of: dt.date | None, orders_by_invoice: bool
) -> ir.Table:
    """One row per customer who bought (before ``as_of``, when given): ``first_purchase``,
    ``last_purchase``, ``frequency`` (distinct invoices, or distinct purchase times when the
    export has no invoices), ``total_spend`` and ``returns_value`` (cancelled or returned
    lines' absolute amounts, before ``as_of``)."""
    t = t.filter(t.customer_id.notnull())
    kept = drop_reason(t).isnull()
    returned = cancelled(t)
    if as_of is not None:
        cutoff = dt.datetime.combine(as_of, dt.time())
        kept &= t.timestamp < cutoff
        returned &= (t.timestamp < cutoff).fill_null(False)
    # A line without an invoice among invoiced ones still is an order (one per customer).
    order = t.invoice.fill_null("") if orders_by_invoice else t.timestamp
    table = t.group_by("customer_id").aggregate(
        first_purchase=t.timestamp.min(where=kept),
        last_purchase=t.timestamp.max(where=kept),
        frequency=order.nunique(where=kept),
        total_spend=t.amount.sum(where=kept),
        returns_value=t.amount.abs().sum(where=returned),
        _lines=kept.sum(),
    )
    return table.filter(table._lines > 0).drop("_lines")
