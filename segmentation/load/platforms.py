"""The layouts of the exports stores download from their platforms, recognised by header.

Each platform writes its own columns and its own idea of a line (the platforms' documented
order and payment exports):

- **Shopify orders export**: one line per line item; the order's own fields (Email,
  Financial Status, Currency, Subtotal, Shipping, Taxes, Total, Refunded Amount, Created
  at…) only on the order's first line, the others carry ``Name`` and the ``Lineitem …``
  fields. A line's value is ``Lineitem price`` × ``Lineitem quantity``; ``Total`` is the
  order's, with shipping and tax.
- **WooCommerce order export** (one row per item): ``Order Number``, ``Order Date``,
  ``Order Status``, ``Email (Billing)``, ``Item Name``, ``Quantity`` or ``Quantity (-
  Refund)``, ``Item Cost`` (per unit), and order-level ``Order Total Amount``, ``Order
  Refund Amount``, ``Order Shipping Amount``, ``Order Total Tax Amount`` repeated per item.
- **Stripe payments export**: one line per payment: ``id``, ``Created date (UTC)``,
  ``Amount``, ``Amount Refunded``, ``Currency``, ``Status``, ``Customer ID``.
- **Square item sales export**: one line per item sold or refunded: ``Date``, ``Item``,
  ``Qty``, ``Gross Sales``, ``Discounts``, ``Net Sales``, ``Tax``, ``Transaction ID``,
  ``Event Type`` (Payment or Refund), ``Customer ID``.

A layout only says where each field is and which fields belong to the whole order; the
rules (what a status means, which money counts) are the same for every export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Layout:
    """A platform's export: ``marks`` (normalised headers it always has) recognise it;
    ``aliases`` are tried first for their fields; ``no_guess`` fields are never guessed
    (an order total is not a line's value); ``order_fields`` are written on an order's first
    line only and carried down to its other lines; ``once_per_order`` amounts belong to the
    whole order and count once per order, however many lines repeat them."""

    name: str
    marks: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    no_guess: frozenset[str] = frozenset()
    order_fields: frozenset[str] = frozenset()
    once_per_order: frozenset[str] = frozenset()


# An order's fields that each line needs, carried down to the order's lines where a layout
# writes them once. Not the refund (counted once per order) nor the currency (the set of
# codes is what matters).
ORDER_FIELDS = frozenset({"customer", "date", "status", "country"})

SHOPIFY = Layout(
    name="Shopify orders export",
    marks=("name", "lineitemquantity", "lineitemprice"),
    aliases={
        "invoice": ("name",),
        "customer": ("email",),
        "date": ("createdat", "paidat"),
        "quantity": ("lineitemquantity",),
        "price": ("lineitemprice",),
        "product": ("lineitemsku",),
        "product_name": ("lineitemname",),
        "status": ("financialstatus",),
        "refunded": ("refundedamount",),
        "country": ("billingcountry", "shippingcountry"),
    },
    no_guess=frozenset({"amount"}),
    order_fields=ORDER_FIELDS,
    once_per_order=frozenset({"refunded"}),
)
WOOCOMMERCE = Layout(
    name="WooCommerce order export",
    marks=("orderstatus", "itemcost"),
    aliases={
        "invoice": ("ordernumber", "orderid"),
        "customer": ("email(billing)", "billingemail", "customeremail"),
        "date": ("orderdate", "paiddate"),
        "quantity": ("quantity", "quantity(refund)"),
        "price": ("itemcost",),
        "product": ("sku",),
        "product_name": ("itemname",),
        "status": ("orderstatus",),
        "refunded": ("orderrefundamount",),
        "currency": ("ordercurrency", "currency"),
        "country": ("country(billing)", "billingcountry"),
    },
    no_guess=frozenset({"amount"}),
    order_fields=ORDER_FIELDS,
    once_per_order=frozenset({"refunded"}),
)
STRIPE = Layout(
    name="Stripe payments export",
    marks=("id", "amountrefunded", "createddate(utc)"),
    aliases={
        "invoice": ("id",),
        "date": ("createddate(utc)",),
        "amount": ("amount",),
        "refunded": ("amountrefunded",),
        "status": ("status",),
        "customer": ("customerid", "customeremail"),
    },
    no_guess=frozenset({"quantity", "price"}),
)
SQUARE = Layout(
    name="Square item sales export",
    marks=("grosssales", "netsales", "transactionid"),
    aliases={
        "invoice": ("transactionid",),
        "date": ("date",),
        "quantity": ("qty",),
        "amount": ("netsales", "grosssales"),
        "status": ("eventtype",),
        "customer": ("customerid",),
        "product": ("sku",),
        "product_name": ("item",),
        "category": ("category",),
    },
    no_guess=frozenset({"price"}),
)
LAYOUTS = (SHOPIFY, WOOCOMMERCE, STRIPE, SQUARE)

# Headers of money that is not the items' value where an export writes it apart.
SHIPPING = ("shipping", "shippingamount", "ordershippingamount", "shippingtotal", "shippingcost")
TAX = ("taxes", "tax", "taxamount", "ordertotaltaxamount", "totaltax", "taxtotal")
# Amount headers that name an order's total: on a line-item export they repeat the order's
# value (with shipping and tax) on each of its lines, so they never stand for a line's value.
ORDER_TOTALS = frozenset(
    {"total", "ordertotal", "ordertotalamount", "subtotal", "ordersubtotal", "totalprice"}
)

# Quantities already net of refunded items: the export's refund is then out of the sales.
NET_QUANTITIES = ("quantity(refund)",)


def detect(normalised_headers: Iterable[str]) -> Layout | None:
    """The layout whose marks are all among the (normalised) headers, or None."""
    present = set(normalised_headers)
    return next((x for x in LAYOUTS if all(m in present for m in x.marks)), None)


def separated_money(by_norm: Mapping[str, str]) -> list[str]:
    """The file's shipping and tax columns (as written), which are not revenue."""
    return [by_norm[h] for h in (*SHIPPING, *TAX) if h in by_norm]
