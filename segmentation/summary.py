"""The typed summary of a segmentation run: what every reply, report and digest reads.

``RunSummary`` and ``Segment`` are frozen; ``to_json`` gives the JSON contract of
``segbot segment --json`` (and the stored ``runs.summary`` column), ``from_json`` reads it back.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from segmentation.affinity import SegmentProducts
from segmentation.facts import SegmentFacts
from segmentation.lifecycle import Lifecycle

FEATURES = ("recency_days", "frequency", "average_spend", "total_spend")
# Why a summary has no predictions when nothing says otherwise: it was stored by a segbot
# that did not make them (its JSON has no "predictions" key), or built without a run.
NOT_PREDICTED = "this run was made before segbot predicted who is slipping away."


@dataclass(frozen=True)
class Medians:
    """A segment's median customer on the four features."""

    recency_days: float
    frequency: float
    average_spend: float
    total_spend: float

    def to_json(self) -> dict[str, float]:
        """``{feature: median}`` in ``FEATURES`` order."""
        return {f: getattr(self, f) for f in FEATURES}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Medians:
        """Read ``to_json``'s object back."""
        return cls(**{f: float(data[f]) for f in FEATURES})


@dataclass(frozen=True)
class Segment:
    """One named segment: its size, value, medians, levels and recommended actions.

    ``levels`` says where the segment stands on each feature ("recent"/"moderate"/"lapsed"
    for recency, "low"/"moderate"/"high" otherwise).
    """

    id: int
    name: str
    customers: int
    share: float
    revenue: float
    revenue_share: float
    median: Medians
    strategies: tuple[str, ...] = ()
    strategy_keys: tuple[str, ...] = ()
    levels: Mapping[str, str] = field(default_factory=dict)
    facts: SegmentFacts | None = None
    products: SegmentProducts | None = None  # what it buys more than the rest (None: unknown)

    @property
    def is_lapsing(self) -> bool:
        """Whether the segment's recency level is "lapsed"."""
        return self.levels.get("recency") == "lapsed"

    def to_json(self) -> dict[str, Any]:
        """The segment as a JSON-ready object (``median`` nested, tuples as lists)."""
        return {
            "id": self.id,
            "name": self.name,
            "customers": self.customers,
            "share": self.share,
            "revenue": self.revenue,
            "revenue_share": self.revenue_share,
            "median": self.median.to_json(),
            "strategies": list(self.strategies),
            "strategy_keys": list(self.strategy_keys),
            "levels": dict(self.levels),
            "facts": None if self.facts is None else self.facts.to_json(),
            **(self.products or SegmentProducts()).to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Segment:
        """Read ``to_json``'s object back (strategies, keys and levels may be missing)."""
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            customers=int(data["customers"]),
            share=float(data["share"]),
            revenue=float(data["revenue"]),
            revenue_share=float(data["revenue_share"]),
            median=Medians.from_json(data["median"]),
            strategies=tuple(data.get("strategies") or ()),
            strategy_keys=tuple(data.get("strategy_keys") or ()),
            levels=dict(data.get("levels") or {}),
            facts=None if data.get("facts") is None else SegmentFacts.from_json(data["facts"]),
            products=SegmentProducts.from_json(data),
        )


@dataclass(frozen=True)
class KScore:
    """How well one candidate number of segments fits."""

    k: int
    inertia: float
    silhouette: float | None
    smallest_share: float

    def to_json(self) -> dict[str, Any]:
        """The score as a JSON-ready object (``silhouette`` None when not measured)."""
        return {
            "k": self.k,
            "inertia": self.inertia,
            "silhouette": self.silhouette,
            "smallest_share": self.smallest_share,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> KScore:
        """Read ``to_json``'s object back; a missing or NaN silhouette becomes None."""
        return cls(
            k=int(data["k"]),
            inertia=float(data["inertia"]),
            silhouette=finite_or_none(data.get("silhouette")),
            smallest_share=float(data["smallest_share"]),
        )


@dataclass(frozen=True, kw_only=True)
class RunSummary:
    """Everything a run says about the data and its segments (no per-customer rows).

    Audit: ``rows_read`` (including lines the reader skipped), ``rows_kept``, ``customers``,
    ``total_spend`` of kept lines, ``dropped`` (reason → lines), cancelled invoices and lines,
    duplicate lines (kept), first and last purchase (ISO text). Provenance: ``mapping``
    (field → column used), ``date_order`` and reader ``notes``. Model: ``k``, whether it was
    ``k_forced``, ``k_reason``, the candidates' ``k_scores``, ``stability`` (None when not
    measured) and ``random_state``; ``k_kept_from`` is the run whose k a digest kept (None when
    k was chosen or set by hand). Segments are numbered 0..k-1 by descending revenue.
    ``lifecycle`` holds the day thresholds of the customer states, ``currency`` the ISO code
    of the money (None when unknown), ``returned_value`` what the segmented customers cancelled
    or returned, and ``left_out_customers`` those who only bought after ``as_of``.
    ``predictions`` is None when the customers have lifetime-value predictions, else the plain
    reason why not; ``expected_revenue_90d`` is what all customers are expected to spend in
    the next 90 days (None without predictions).
    """

    rows_read: int
    rows_kept: int
    customers: int
    total_spend: float
    dropped: Mapping[str, int]
    cancellations: int
    cancelled_lines: int
    duplicate_lines: int
    first_purchase: str | None
    last_purchase: str | None
    as_of: dt.date
    date_order: str = "ISO"
    mapping: Mapping[str, str] = field(default_factory=dict)
    k: int
    k_forced: bool = False
    k_reason: str
    k_kept_from: int | None = None
    k_scores: tuple[KScore, ...] = ()
    stability: float | None = None
    random_state: int | None = 0
    notes: tuple[str, ...] = ()
    segments: tuple[Segment, ...] = ()
    lifecycle: Lifecycle | None = None
    currency: str | None = None
    returned_value: float = 0.0
    left_out_customers: int = 0
    predictions: str | None = NOT_PREDICTED
    expected_revenue_90d: float | None = None
    prediction_check: str | None = None

    @property
    def predicted(self) -> bool:
        """Whether the run's customers have lifetime-value predictions."""
        return self.predictions is None and self.expected_revenue_90d is not None

    @property
    def net_spend(self) -> float:
        """Total spend less what the segmented customers cancelled or returned."""
        return round(self.total_spend - self.returned_value, 2)

    def segment(self, segment_id: int) -> Segment | None:
        """The segment with this id, or None."""
        return next((s for s in self.segments if s.id == segment_id), None)

    def with_segments(self, segments: tuple[Segment, ...]) -> RunSummary:
        """A copy with these segments instead, ordered by id."""
        return replace(self, segments=tuple(sorted(segments, key=lambda s: s.id)))

    def keeping_k_of(self, run_id: int) -> RunSummary:
        """A copy saying its k was kept from run ``run_id`` (not chosen, not set by hand)."""
        reason = f"k = {self.k}, kept from the previous run (#{run_id}) so the two compare."
        return replace(self, k_kept_from=run_id, k_reason=reason)

    def to_json(self) -> dict[str, Any]:
        """The run as one JSON-ready object."""
        return {
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "customers": self.customers,
            "total_spend": round(self.total_spend, 2),
            "dropped": dict(self.dropped),
            "cancellations": self.cancellations,
            "cancelled_lines": self.cancelled_lines,
            "duplicate_lines": self.duplicate_lines,
            "first_purchase": self.first_purchase,
            "last_purchase": self.last_purchase,
            "as_of": self.as_of.isoformat(),
            "date_order": self.date_order,
            "mapping": dict(self.mapping),
            "k": self.k,
            "k_forced": self.k_forced,
            "k_reason": self.k_reason,
            "k_kept_from": self.k_kept_from,
            "k_scores": [s.to_json() for s in self.k_scores],
            "stability": self.stability,
            "random_state": self.random_state,
            "notes": list(self.notes),
            "segments": [s.to_json() for s in self.segments],
            "lifecycle": None if self.lifecycle is None else self.lifecycle.to_json(),
            "currency": self.currency,
            "returned_value": round(self.returned_value, 2),
            "net_spend": self.net_spend,
            "left_out_customers": self.left_out_customers,
            "predictions": self.predictions,
            "expected_revenue_90d": self.expected_revenue_90d,
            "prediction_check": self.prediction_check,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunSummary:
        """Read ``to_json``'s object back; optional counts and lists may be missing (a summary
        without a ``predictions`` key predates them: ``NOT_PREDICTED``)."""
        stability = data.get("stability")
        expected = data.get("expected_revenue_90d")
        return cls(
            rows_read=int(data["rows_read"]),
            rows_kept=int(data["rows_kept"]),
            customers=int(data["customers"]),
            total_spend=float(data["total_spend"]),
            dropped=dict(data.get("dropped") or {}),
            cancellations=int(data.get("cancellations") or 0),
            cancelled_lines=int(data.get("cancelled_lines") or 0),
            duplicate_lines=int(data.get("duplicate_lines") or 0),
            first_purchase=data.get("first_purchase"),
            last_purchase=data.get("last_purchase"),
            as_of=dt.date.fromisoformat(str(data["as_of"])[:10]),
            date_order=str(data.get("date_order") or "ISO"),
            mapping=dict(data.get("mapping") or {}),
            k=int(data["k"]),
            k_forced=bool(data.get("k_forced")),
            k_reason=str(data.get("k_reason") or ""),
            k_kept_from=data.get("k_kept_from"),
            k_scores=tuple(KScore.from_json(s) for s in data.get("k_scores") or ()),
            stability=None if stability is None else float(stability),
            random_state=data.get("random_state"),
            notes=tuple(data.get("notes") or ()),
            segments=tuple(Segment.from_json(s) for s in data.get("segments") or ()),
            lifecycle=None if not data.get("lifecycle") else Lifecycle.from_json(data["lifecycle"]),
            currency=data.get("currency"),
            returned_value=float(data.get("returned_value") or 0.0),
            left_out_customers=int(data.get("left_out_customers") or 0),
            predictions=data.get("predictions", NOT_PREDICTED),
            expected_revenue_90d=None if expected is None else float(expected),
            prediction_check=data.get("prediction_check"),
        )


def finite_or_none(value: float | None) -> float | None:
    """NaN (not measured) as None, so JSON and SQLite hold null."""
    return None if value is None or math.isnan(value) else float(value)


@dataclass(frozen=True, kw_only=True)
class RunParams:
    """What a run was asked for: ``k`` (None = choose), ``as_of`` (None = day after the last
    purchase) and the ``random_state`` every random step uses."""

    k: int | None = None
    as_of: dt.date | None = None
    random_state: int = 0
