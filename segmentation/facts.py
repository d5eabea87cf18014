"""What is true of each segment, in absolute terms: the facts names and strategies rest on.

Medians say where a segment's middle customer stands; facts say how many of its customers
bought once, where they are in their lifecycle, and how much of what they bought came back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from segmentation.lifecycle import STATES

HIGH_RETURNER_SHARE = 0.5  # a customer who sent back at least half of what they bought
TOP_CUSTOMERS = 20  # the size of a call list: the top customers' share of net revenue


@dataclass(frozen=True)
class SegmentFacts:
    """Shares are of the segment's customers; money is the segment's total.

    ``gross_revenue`` is what its customers bought (kept purchase lines), ``returned_value``
    what they cancelled or returned, ``net_revenue`` the difference; ``high_returners``
    counts customers who returned at least half of what they bought. ``top_net_share`` is
    the share of net revenue from its ``TOP_CUSTOMERS`` largest customers by net spend;
    ``median_gap_days`` the median days between orders of its repeat customers (None when
    none bought twice).
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
        )


def segment_facts(customers: pd.DataFrame) -> dict[int, SegmentFacts]:
    """Facts per segment id from a customer table with ``segment``, ``frequency``,
    ``recency_days``, ``tenure_days``, ``total_spend``, ``returns_value`` and ``lifecycle``."""
    return {
        int(segment_id): _facts(group)
        for segment_id, group in customers.groupby("segment", sort=True)
    }


def _facts(group: pd.DataFrame) -> SegmentFacts:
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
    )
