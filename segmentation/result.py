"""What a segmentation run produced: its typed summary and the per-customer table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from segmentation.summary import KScore, Medians, RunSummary, Segment

# What to offer each customer (``segmentation.products``): names, and ids, joined by "; "
# (``segmentation.offers.joined``: a ";" or a backslash inside a name is escaped with a
# backslash; ``offers.split`` reads them back); empty for a customer with no named product, or
# a run without products.
PRODUCT_COLUMNS = ("next_products", "usual_products", "next_product_ids", "usual_product_ids")
CUSTOMER_COLUMNS = (
    "recency_days",
    "frequency",
    "average_spend",
    "total_spend",
    "returns_value",
    "segment",
    "tenure_days",
    "lifecycle",
    "p_active",
    "expected_orders_90d",
    "expected_value_90d",
    *PRODUCT_COLUMNS,
)


@dataclass(frozen=True)
class SegmentationResult:
    """A run's ``summary`` and its ``customers``.

    ``customers`` is indexed by ``customer_id`` with the columns of ``CUSTOMER_COLUMNS``
    (``segment`` is the segment id of ``summary.segments``). ``p_active``,
    ``expected_orders_90d`` and ``expected_value_90d`` are the lifetime-value predictions
    (``segmentation.clv``), NaN for every customer when ``summary.predictions`` says why not.
    """

    summary: RunSummary
    customers: pd.DataFrame


__all__ = [
    "CUSTOMER_COLUMNS",
    "PRODUCT_COLUMNS",
    "KScore",
    "Medians",
    "RunSummary",
    "Segment",
    "SegmentationResult",
]
