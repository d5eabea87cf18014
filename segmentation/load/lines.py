"""The rules that read a line with its order, written once as ibis expressions.

On exports that write one line per item, some fields belong to the whole order: a
platform writes them on the order's first line only (they are carried down to its other
lines), and an order's refund counts once, never above what the order sold. A line's
value is the amount the export states, or quantity × price without one (or when the
stated amount is an order's total, with shipping and tax). Uploads and connected sources
both go through ``order_rules`` and ``line_value``.

The table's columns are named by segbot field (``customer``, ``invoice``, ``quantity``…),
numbers already numbers; text fields may be the text or any stand-in for it (an upload
passes its dictionary codes), as the rules only compare them with null.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.datatypes as idt
import ibis.expr.types as ir

from segmentation.load.columns import normalise_header
from segmentation.load.orders import OrderRules
from segmentation.load.platforms import ORDER_TOTALS

# A refund larger than what its order sold by more than this (a rounding cent) gave back
# shipping or tax as well.
REFUND_SLACK = 0.005


def line_value(t: ir.Table, mapping: Mapping[str, str]) -> ir.FloatingValue:
    """Each line's value: the amount the export states wins; quantity × price fills a
    blank one, and stands alone without an amount column or when the amount is an order's
    total (repeated on each item line, with shipping and tax)."""
    both = "quantity" in t.columns and "price" in t.columns
    product = t.quantity * t.price if both else None
    if "amount" in t.columns:
        order_total = normalise_header(mapping.get("amount", "")) in ORDER_TOTALS
        if not both:
            return t.amount
        return product if order_total else t.amount.coalesce(product)
    return product


def order_key(t: ir.Table, line: str | None) -> ir.Value:
    """The order a line belongs to; a line without an order number is an order alone."""
    position = t[line] if line else ibis.row_number()
    if "invoice" in t.columns and t.invoice.type().is_integer():  # codes: keys as numbers
        return ibis.cases((t.invoice.isnull(), -1 - position), else_=t.invoice.cast(idt.int64))
    alone = "line " + position.cast(idt.string)
    if "invoice" not in t.columns:
        return alone
    return ibis.cases((t.invoice.isnull(), alone), else_=t.invoice.cast(idt.string))


def carry_down(t: ir.Table, rules: OrderRules, line: str | None) -> ir.Table:
    """The order's fields filled on each of its lines from its first line (``line`` orders
    them; without it, from whichever line has them); ``orphan`` marks lines whose order has
    no such line (the file starts in the middle of an order), their customer left out."""
    if not rules.carried:
        return t.mutate(orphan=ibis.literal(False))
    window = ibis.window(group_by=t._order, order_by=t[line] if line else None)
    filled = {
        f: t[f].coalesce(t[f].first().over(window) if line else t[f].max().over(window))
        for f in rules.carried
    }
    t = t.mutate(**filled)
    orphan = t[rules.orphan_marker].isnull() & t.invoice.notnull()
    t = t.mutate(orphan=orphan)
    if "customer" in rules.carried:
        t = t.mutate(
            customer=ibis.cases((t.orphan, ibis.null(t.customer.type())), else_=t.customer)
        )
    return t


def refunds(t: ir.Table, rules: OrderRules, line: str | None) -> ir.Table:
    """``refunded`` as returns: none where the quantities are already net of them; once per
    order where the layout repeats an order's refund on its lines; and never above what the
    order sold (positive line values), scaled down where it was (``over_refunded``)."""
    if rules.refunds_netted:
        return t.mutate(refunded=ibis.literal(0.0), over_refunded=ibis.literal(False))
    refunded = t.refunded.abs()
    if rules.refund_once:
        first = ibis.row_number().over(group_by=t._order, order_by=t[line] if line else None)
        refunded = ibis.cases((first == 0, refunded), else_=ibis.null(idt.float64))
    t = t.mutate(refunded=refunded)
    sold = ibis.cases((t.amount > 0, t.amount), else_=0.0).sum().over(group_by=t._order)
    asked = t.refunded.fill_null(0.0).sum().over(group_by=t._order)
    t = t.mutate(_sold=sold, _asked=asked)
    over = t._asked > t._sold + REFUND_SLACK
    share = ibis.cases((t._asked > 0, t._sold / t._asked), else_=0.0)
    return t.mutate(
        refunded=ibis.cases((over, t.refunded * share), else_=t.refunded),
        over_refunded=over & (t.refunded > 0),
    ).drop("_sold", "_asked")


def order_rules(t: ir.Table, rules: OrderRules, line: str | None) -> ir.Table:
    """``t`` with the order rules applied (``_order``, ``orphan`` and, with refunds,
    ``over_refunded`` added: the notes count them)."""
    t = t.mutate(_order=order_key(t, line)) if rules.by_order or "refunded" in t.columns else t
    if "_order" not in t.columns:
        return t.mutate(orphan=ibis.literal(False))
    t = carry_down(t, rules, line)
    return refunds(t, rules, line) if "refunded" in t.columns else t


def lines_query(
    cells: ir.Table,
    mapping: Mapping[str, str],
    rules: OrderRules,
    by_order: bool,
    outputs: tuple[str, ...],
) -> ir.Table:
    """An upload's line rules over its cells (``segmentation.load.cells.run_lines``): each
    line's ``amount`` and, ``by_order``, the order rules, in the lines' order; ``outputs``.

    Without the order rules the query is arithmetic on each line, which DuckDB hands back in
    the order it read (a sort of every line would cost a 1 GB upload 0.2 s); the order rules'
    windows do not keep it, so their lines are sorted back by number."""
    t = cells.mutate(amount=line_value(cells, mapping))
    if by_order:
        t = order_rules(t, rules, "line").order_by("line")
    return t.select(*outputs)
