"""The result of a segmentation run, and its JSON form (the contract other parts build on)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from segmentation.clean import CleaningAudit


@dataclass(frozen=True)
class Segment:
    """One named segment with its size, value, medians and recommended actions."""

    id: int
    name: str
    customers: int
    share: float
    revenue: float
    revenue_share: float
    median: dict[str, float]
    strategies: list[str]
    strategy_keys: list[str] = field(default_factory=list)
    levels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready dict (keys as in the CLI's --json output)."""
        return {
            "id": self.id,
            "name": self.name,
            "customers": self.customers,
            "share": self.share,
            "revenue": self.revenue,
            "revenue_share": self.revenue_share,
            "median": dict(self.median),
            "strategies": list(self.strategies),
            "strategy_keys": list(self.strategy_keys),
            "levels": dict(self.levels),
        }


@dataclass
class SegmentationResult:
    """Everything a run produced.

    ``customers`` is indexed by ``customer_id`` with columns recency_days,
    frequency, average_spend, total_spend, returns_value and segment (the id).
    Segments are numbered 0..k-1 by descending total revenue.
    """

    audit: CleaningAudit
    mapping: dict[str, str]
    as_of: dt.date
    k: int
    k_reason: str
    k_scores: list[dict]
    stability: float
    segments: list[Segment]
    customers: pd.DataFrame
    random_state: int | None = 0
    k_forced: bool = False
    date_order: str = "ISO"
    notes: list[str] = field(default_factory=list)

    def segment(self, segment_id: int) -> Segment:
        """The segment with this id."""
        return next(s for s in self.segments if s.id == segment_id)

    def to_dict(self) -> dict:
        """The run as one JSON-ready object (without per-customer rows)."""
        a = self.audit
        return {
            "rows_read": a.rows_read,
            "rows_kept": a.rows_kept,
            "customers": a.customers,
            "total_spend": round(a.total_spend, 2),
            "dropped": dict(a.dropped),
            "cancellations": a.cancellations,
            "cancelled_lines": a.cancelled_lines,
            "duplicate_lines": a.duplicate_lines,
            "first_purchase": _iso(a.first_purchase),
            "last_purchase": _iso(a.last_purchase),
            "as_of": self.as_of.isoformat(),
            "date_order": self.date_order,
            "mapping": dict(self.mapping),
            "k": self.k,
            "k_forced": self.k_forced,
            "k_reason": self.k_reason,
            "k_scores": [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in s.items()}
                for s in self.k_scores
            ],
            "stability": None if math.isnan(self.stability) else round(self.stability, 3),
            "random_state": self.random_state,
            "notes": list(self.notes),
            "segments": [s.to_dict() for s in self.segments],
        }


def _iso(value: pd.Timestamp | None) -> str | None:
    return None if value is None or pd.isna(value) else value.isoformat()
