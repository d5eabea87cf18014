"""What a campaign's members bought before its start and within its window, as one ibis
expression: run on DuckDB in-process for stored data, or by a team's own database.

The cleaning rules are the engine's (``query.drop_reason``, ``query.cancelled``): a kept line
is a purchase, a cancelled or returned line counts against net revenue. Only one row per
member who has any line comes back to Python, and one row saying where the data end.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from segmentation.engine import query
from segmentation.engine.compiled import Query
from segmentation.engine.local import TABLE, Local, engine_columns, in_process
from segmentation.engine.remote import Backend

MEMBERS = "campaign_members"
OUTCOMES = Query("segmentation.engine.outcomes", "outcomes_query")
LAST_PURCHASE = Query("segmentation.engine.outcomes", "last_purchase_query")


def outcomes_query(
    t: ir.Table, members: ir.Table, *, start: dt.datetime, end: dt.datetime
) -> ir.Table:
    """One row per customer of ``members`` (a ``customer_id`` string column) with lines in
    ``t``: ``orders_before`` and ``revenue_before`` (net: purchases less returns) before
    ``start``; ``orders`` and ``revenue`` from ``start`` up to (not including) ``end``.

    An order is an invoice, or a purchase time where a line has none; two group-bys (per
    order, then per customer) as in ``query.customers_query``.
    """
    t = t.filter(t.customer_id.notnull()).mutate(customer_id=t.customer_id.cast("string"))
    t = t.semi_join(members, "customer_id")
    kept, returned = query.drop_reason(t).isnull(), query.cancelled(t)
    net = ibis.cases((kept, t.amount), (returned, -t.amount.abs()), else_=0.0)
    before = (t.timestamp < start).fill_null(False)
    within = ((t.timestamp >= start) & (t.timestamp < end)).fill_null(False)
    t = t.mutate(
        _order=t.invoice.cast("string").fill_null(t.timestamp.cast("string")),
        _net=net, _kept=kept, _before=before, _within=within,
    )  # fmt: skip
    orders = t.group_by(["customer_id", "_order"]).aggregate(
        _bought_before=(t._kept & t._before).sum(),
        _bought=(t._kept & t._within).sum(),
        _net_before=t._net.sum(where=t._before),
        _net=t._net.sum(where=t._within),
    )
    return orders.group_by("customer_id").aggregate(
        orders_before=(orders._bought_before > 0).sum(),
        revenue_before=orders._net_before.sum().fill_null(0.0),
        orders=(orders._bought > 0).sum(),
        revenue=orders._net.sum().fill_null(0.0),
    )


def last_purchase_query(t: ir.Table) -> ir.Table:
    """One row, ``last_purchase``: the latest kept purchase of anyone (null without any)."""
    return t.aggregate(last_purchase=t.timestamp.max(where=query.drop_reason(t).isnull()))


def campaign_outcomes(
    transactions: pa.Table | pd.DataFrame,
    members: list[str],
    *,
    start: dt.datetime,
    end: dt.datetime,
) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """``outcomes_query`` on DuckDB in-process over a normalised table (stored data, as Arrow
    or pandas): the members' rows indexed by ``customer_id`` (members without lines are
    absent), and the data's last purchase (None: none)."""
    with in_process(**{TABLE: engine_columns(transactions), MEMBERS: _members(members)}) as engine:
        return _outcomes(engine, start=start, end=end)


def table_outcomes(
    table: ir.Table, members: list[str], *, start: dt.datetime, end: dt.datetime
) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """``campaign_outcomes`` on the backend that holds ``table`` (a connected source's
    ``NORMALISED`` columns): the members go to it as a small table, the aggregate runs there."""
    engine = Backend({TABLE: table, MEMBERS: ibis.memtable(_members(members))})
    return _outcomes(engine, start=start, end=end)


def _members(members: list[str]) -> pa.Table:
    return pa.table({"customer_id": pa.array(members, type=pa.string())})


def _outcomes(
    engine: Local | Backend, *, start: dt.datetime, end: dt.datetime
) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    rows = engine.run(OUTCOMES, (TABLE, MEMBERS), start=start, end=end)
    return _tidy(rows, engine.run(LAST_PURCHASE, (TABLE,)))


def _tidy(rows: pd.DataFrame, last: pd.DataFrame) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    rows = rows.astype({"customer_id": "str"}).set_index("customer_id").sort_index()
    newest = last["last_purchase"].iloc[0]
    return rows.astype({"orders_before": "int64", "orders": "int64"}), (
        None if pd.isna(newest) else pd.Timestamp(newest)
    )
