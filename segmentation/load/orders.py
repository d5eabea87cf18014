"""Which of the order-level rules (``segmentation.load.lines``) an export's layout needs.

Decided from its fields, columns and platform layout alone, before anything is read, so a
run that reads nothing new (its queries compiled before) needs no expression built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from segmentation.load.columns import normalise_header
from segmentation.load.platforms import NET_QUANTITIES, Layout


@dataclass(frozen=True)
class OrderRules:
    """Which order-level rules apply to an export: the order fields carried down (with the
    one whose absence marks a line cut from its order), whether a refund counts once per
    order, and whether refunds are already out of the quantities."""

    carried: tuple[str, ...] = ()
    orphan_marker: str | None = None
    refund_once: bool = False
    refunds_netted: bool = False

    @property
    def by_order(self) -> bool:
        return bool(self.carried) or self.refund_once


def rules_for(fields: set[str], mapping: Mapping[str, str], layout: Layout | None) -> OrderRules:
    """The rules for an export with these ``fields``, columns (``mapping``) and layout."""
    has_orders = "invoice" in fields
    carried = ()
    if has_orders and layout is not None:
        carried = tuple(sorted(layout.order_fields & fields))
    marker = ("status" if "status" in carried else "customer") if carried else None
    netted = normalise_header(mapping.get("quantity", "")) in NET_QUANTITIES
    once = has_orders and layout is not None and "refunded" in layout.once_per_order and not netted
    return OrderRules(carried, marker, once, netted)
