"""From a labelled customer table to described segments: size, value, facts, name, strategies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from segmentation.affinity import SegmentProducts
from segmentation.evidence import Evidence, profiles
from segmentation.facts import segment_facts
from segmentation.lifecycle import Lifecycle
from segmentation.naming import name_segments
from segmentation.strategies import distinct_strategies, write_strategies
from segmentation.summary import FEATURES, Medians, Segment

MOST = 0.5


def describe_segments(
    customers: pd.DataFrame,
    lifecycle: Lifecycle,
    *,
    currency: str | None = None,
    products: Mapping[int, SegmentProducts] | None = None,
    listed: Mapping[int, int] | None = None,
) -> list[Segment]:
    """One ``Segment`` per id of ``customers["segment"]``, ordered by id.

    ``customers`` holds the four ``FEATURES``, ``tenure_days``, ``returns_value``,
    ``lifecycle`` and ``segment`` per customer (and ``usual_product_ids`` when the export names
    products); ``products`` what each segment id over-indexes on (``segmentation.products``);
    ``listed`` how many of each segment's customers have their products listed, when their
    ``usual_product_ids`` were not worked out.
    """
    evidence = segment_evidence(customers, lifecycle, currency=currency)
    listed = _listed(customers) if listed is None else listed
    evidence = [
        replace(e, products=(products or {}).get(e.segment_id), listed=listed.get(e.segment_id, 0))
        for e in evidence
    ]
    names = name_segments(evidence)
    strategies = distinct_strategies(evidence)
    revenue = customers.groupby("segment")["total_spend"].sum()
    total_revenue = float(revenue.sum())
    segments = []
    for e in evidence:
        chosen = strategies[e.segment_id]
        segments.append(
            Segment(
                id=e.segment_id,
                name=names[e.segment_id],
                customers=e.customers,
                share=e.customers / len(customers),
                revenue=round(float(revenue[e.segment_id]), 2),
                revenue_share=float(revenue[e.segment_id]) / total_revenue
                if total_revenue
                else 0.0,
                median=e.median,
                strategies=tuple(write_strategies(e, chosen)),
                strategy_keys=tuple(s.key for s in chosen),
                levels=levels(e),
                facts=e.facts,
                products=e.products,
            )
        )
    return segments


def segment_evidence(
    customers: pd.DataFrame, lifecycle: Lifecycle, *, currency: str | None = None
) -> list[Evidence]:
    """The ``Evidence`` of each segment, ordered by id."""
    labels = customers["segment"].to_numpy()
    placed = profiles(customers, labels)
    facts = segment_facts(customers)
    grouped = customers.groupby("segment")
    medians = grouped[list(FEATURES)].median()
    sizes = grouped.size()
    overall = _medians(customers[list(FEATURES)].median())
    return [
        Evidence(
            segment_id=sid,
            customers=int(sizes[sid]),
            profile=placed[sid],
            median=_medians(medians.loc[sid]),
            facts=facts[sid],
            lifecycle=lifecycle,
            overall=overall,
            currency=currency,
        )
        for sid in sorted(placed)
    ]


def _listed(customers: pd.DataFrame) -> dict[int, int]:
    """Per segment id, its customers with products listed (``usual_product_ids`` not empty)."""
    if "usual_product_ids" not in customers.columns:
        return {}
    has = customers["usual_product_ids"].fillna("").astype(str) != ""
    return {int(s): int(n) for s, n in has.groupby(customers["segment"]).sum().items()}


def levels(e: Evidence) -> dict[str, str]:
    """Where a segment stands: recency from the lifecycle mix ("recent" when most are new or
    active, "lapsed" when most are at risk or lapsed), the rest held to absolute terms."""
    recency = (
        "recent" if e.active_share > MOST else "lapsed" if e.slipping_share > MOST else "moderate"
    )
    return {
        "recency": recency,
        **{f: e.level(f) for f in ("frequency", "average_spend", "total_spend")},
    }


def _medians(row: pd.Series) -> Medians:
    return Medians(**{f: float(row[f]) for f in FEATURES})
