"""What is true of each segment, in absolute terms: the facts names and strategies rest on.

Medians say where a segment's middle customer stands; facts say how many of its customers
bought once, where they are in their lifecycle, how much of what they bought came back and,
when the run has lifetime-value predictions, who is likely gone and what all are expected to spend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from segmentation.lifecycle import STATES

HIGH_RETURNER_SHARE = 0.5  # a customer who sent back at least half of what they bought
TOP_CUSTOMERS = 20  # the size of a call list: the top customers' share of net revenue
# A customer is "likely gone" when the model gives them less than an even chance of still
# being a customer: the point where betting on them having left is right more often than not.
LIKELY_GONE = 0.5
PREDICTED = ("p_active", "expected_orders_90d", "expected_value_90d")


@dataclass(frozen=True)
class SegmentFacts:
    """Shares are of the segment's customers; money is the segment's total.

    ``gross_revenue`` is what its customers bought (kept purchase lines), ``returned_value``
    what they cancelled or returned, ``net_revenue`` the difference; ``high_returners``
    counts customers who returned at least half of what they bought. ``top_net_share`` is
    the share of net revenue from its ``TOP_CUSTOMERS`` largest customers by net spend;
    ``median_gap_days`` the median days between orders of its repeat customers (None when
    none bought twice). From the lifetime-value predictions (all None when the run has none):
    ``expected_revenue_90d`` is what its customers are expected to spend in the next 90 days,
    ``likely_gone`` counts those whose chance of still being active is under ``LIKELY_GONE``
    and ``likely_gone_revenue`` is their past net revenue.
    """

    one_time_share: float
    lifecycle: Mapping[str, float] = field(default_factory=dict)
    lifecycle_counts: Mapping[str, int] = field(default_factory=dict)
    gross_revenue: float = 0.0
    returned_value: float = 0.0
    net_revenue: float = 0.0
    high_returners: int = 0
    top_net_share: float = 0.0
    median_gap_days: float | None = None
    expected_revenue_90d: float | None = None
    likely_gone: int | None = None
    likely_gone_revenue: float | None = None

    @property
    def likely_gone_share(self) -> float | None:
        """The likely-gone customers' share of the segment's net revenue (None without
        predictions, 0 when the segment has no positive net revenue)."""
        if self.likely_gone_revenue is None:
            return None
        return self.likely_gone_revenue / self.net_revenue if self.net_revenue > 0 else 0.0

    @property
    def return_rate(self) -> float:
        """Returned value as a share of gross revenue (0 when nothing was bought)."""
        return self.returned_value / self.gross_revenue if self.gross_revenue > 0 else 0.0

    def share(self, state: str) -> float:
        return float(self.lifecycle.get(state, 0.0))

    def count(self, state: str) -> int:
        return int(self.lifecycle_counts.get(state, 0))

    def to_json(self) -> dict[str, Any]:
        return {
            "one_time_share": self.one_time_share,
            "lifecycle": dict(self.lifecycle),
            "lifecycle_counts": dict(self.lifecycle_counts),
            "gross_revenue": self.gross_revenue,
            "returned_value": self.returned_value,
            "net_revenue": self.net_revenue,
            "return_rate": self.return_rate,
            "high_returners": self.high_returners,
            "top_net_share": self.top_net_share,
            "median_gap_days": self.median_gap_days,
            "expected_revenue_90d": self.expected_revenue_90d,
            "likely_gone": self.likely_gone,
            "likely_gone_revenue": self.likely_gone_revenue,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SegmentFacts:
        return cls(
            one_time_share=float(data["one_time_share"]),
            lifecycle={k: float(v) for k, v in (data.get("lifecycle") or {}).items()},
            lifecycle_counts={k: int(v) for k, v in (data.get("lifecycle_counts") or {}).items()},
            gross_revenue=float(data.get("gross_revenue") or 0.0),
            returned_value=float(data.get("returned_value") or 0.0),
            net_revenue=float(data.get("net_revenue") or 0.0),
            high_returners=int(data.get("high_returners") or 0),
            top_net_share=float(data.get("top_net_share") or 0.0),
            median_gap_days=data.get("median_gap_days"),
            expected_revenue_90d=_float_or_none(data.get("expected_revenue_90d")),
            likely_gone=None if data.get("likely_gone") is None else int(data["likely_gone"]),
            likely_gone_revenue=_float_or_none(data.get("likely_gone_revenue")),
        )


def segment_facts(customers: pd.DataFrame) -> dict[int, SegmentFacts]:
    """Facts per segment id from a customer table with ``segment``, ``frequency``,
    ``recency_days``, ``tenure_days``, ``total_spend``, ``returns_value`` and ``lifecycle``;
    the prediction facts are filled when it also has the ``PREDICTED`` columns, all known."""
    predicted = has_predictions(customers)
    return {
        int(segment_id): _facts(group, predicted=predicted)
        for segment_id, group in customers.groupby("segment", sort=True)
    }


def has_predictions(customers: pd.DataFrame) -> bool:
    """Whether every customer has the ``PREDICTED`` columns filled (a run stored before
    predictions, or one whose export could not support them, has them empty)."""
    if customers.empty or not set(PREDICTED) <= set(customers.columns):
        return False
    return bool(customers[list(PREDICTED)].notna().all().all())


def likely_gone(customers: pd.DataFrame) -> pd.Series:
    """True for each customer whose chance of still being active is under ``LIKELY_GONE``."""
    return customers["p_active"] < LIKELY_GONE


def _predicted_facts(group: pd.DataFrame, net: pd.Series) -> dict[str, Any]:
    gone = likely_gone(group)
    return {
        "expected_revenue_90d": round(float(group["expected_value_90d"].sum()), 2),
        "likely_gone": int(gone.sum()),
        "likely_gone_revenue": round(float(net[gone].sum()), 2),
    }


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _facts(group: pd.DataFrame, *, predicted: bool) -> SegmentFacts:
    n = len(group)
    counts = group["lifecycle"].value_counts().reindex(list(STATES), fill_value=0)
    gross = float(group["total_spend"].sum())
    returned = float(group["returns_value"].sum())
    net = group["total_spend"] - group["returns_value"]
    top = float(net.nlargest(TOP_CUSTOMERS).sum())
    repeat = group[group["frequency"] >= 2]
    gaps = (repeat["tenure_days"] - repeat["recency_days"]) / (repeat["frequency"] - 1)
    return SegmentFacts(
        one_time_share=float((group["frequency"] <= 1).mean()),
        lifecycle={s: float(counts[s] / n) for s in STATES},
        lifecycle_counts={s: int(counts[s]) for s in STATES},
        gross_revenue=round(gross, 2),
        returned_value=round(returned, 2),
        net_revenue=round(gross - returned, 2),
        high_returners=int(
            (group["returns_value"] >= HIGH_RETURNER_SHARE * group["total_spend"]).sum()
        ),
        top_net_share=top / float(net.sum()) if float(net.sum()) > 0 else 0.0,
        median_gap_days=None if repeat.empty else round(float(gaps.median()), 1),
        **(_predicted_facts(group, net) if predicted else {}),
    )
