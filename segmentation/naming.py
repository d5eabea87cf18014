"""Plain-English segment names from segment medians relative to all customers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.scale import fit_scale, on_scale
from segmentation.summary import FEATURES

LOW, HIGH = -0.5, 0.5


@dataclass(frozen=True)
class Profile:
    """Where a segment's medians sit among all customers.

    Each value is the segment median as a z-score of log1p(feature) over all
    customers: the same scale the model clusters on, so a "high" label means the
    segment really stands out on that feature.
    """

    recency: float  # high = long since the last purchase
    frequency: float
    average_spend: float
    total_spend: float
    median_frequency: float

    def level(self, feature: str) -> str:
        """'low', 'moderate' or 'high' for a feature."""
        value = getattr(self, feature)
        return "low" if value <= LOW else "high" if value >= HIGH else "moderate"

    @property
    def recency_word(self) -> str:
        """'recent', 'lapsed' or 'moderate'."""
        return {"low": "recent", "high": "lapsed", "moderate": "moderate"}[self.level("recency")]


def profiles(features: pd.DataFrame, labels: np.ndarray) -> dict[int, Profile]:
    """Profile per segment id from the customer feature table and segment labels."""
    scale = fit_scale(features[list(FEATURES)])
    medians = features[list(FEATURES)].groupby(labels).median()
    placed = pd.DataFrame(on_scale(scale, medians), index=medians.index, columns=list(FEATURES))
    return {
        int(segment): Profile(
            recency=float(z["recency_days"]),
            frequency=float(z["frequency"]),
            average_spend=float(z["average_spend"]),
            total_spend=float(z["total_spend"]),
            median_frequency=float(medians.loc[segment, "frequency"]),
        )
        for segment, z in placed.iterrows()
    }


def name_segments(profiles_by_id: dict[int, Profile]) -> dict[int, str]:
    """A unique, faithful name per segment.

    "High-frequency" goes only to the segment with the highest median frequency,
    "Most recent" style leads only where the percentile says so; clashes are
    resolved by adding the next most telling facet.
    """
    top_frequency = max(profiles_by_id, key=lambda s: profiles_by_id[s].frequency)
    names = {s: _base_name(p, s == top_frequency) for s, p in profiles_by_id.items()}
    for attempt in (_with_recency, _with_rank):
        clashes = _clashing(names)
        if not clashes:
            break
        ranked = sorted(clashes, key=lambda s: profiles_by_id[s].total_spend, reverse=True)
        for rank, segment in enumerate(ranked):
            names[segment] = attempt(names[segment], profiles_by_id[segment], rank)
    return names


def _base_name(p: Profile, is_top_frequency: bool) -> str:
    f, r = p.level("frequency"), p.recency_word
    one_time = p.median_frequency <= 1
    if f == "high":
        lead = "High-frequency buyers" if is_top_frequency else "Frequent buyers"
    elif r == "lapsed":
        lead = "Lapsed one-time buyers" if one_time else "Lapsed buyers"
    elif r == "recent":
        lead = "Recent first-time buyers" if one_time else "Recent buyers"
    elif f == "low":
        lead = "One-time buyers" if one_time else "Infrequent buyers"
    else:
        lead = "Regular buyers"
    return f"{lead} with {_spend_phrase(p, lead.startswith('Recent buyers') and f == 'moderate')}"


def _spend_phrase(p: Profile, mention_frequency: bool) -> str:
    avg, total = p.level("average_spend"), p.level("total_spend")
    if mention_frequency and total == "moderate":
        return "moderate frequency and spending"
    if avg == total:
        phrase = f"{total} spending"
    elif avg == "high":
        phrase = "high average spending"
    elif total == "high":
        phrase = "high total spending"
    else:
        phrase = f"{total} spending"
    return f"moderate frequency and {phrase}" if mention_frequency else phrase


def _clashing(names: dict[int, str]) -> list[int]:
    counts = pd.Series(list(names.values())).value_counts()
    return [s for s, n in names.items() if counts[n] > 1]


def _with_recency(name: str, p: Profile, _rank: int) -> str:
    if "Recent" in name or "Lapsed" in name:
        return name
    suffix = {
        "recent": "active recently",
        "lapsed": "drifting away",
        "moderate": "seen a while ago",
    }
    return f"{name}, {suffix[p.recency_word]}"


def _with_rank(name: str, _p: Profile, rank: int) -> str:
    return f"{name} ({['top', 'second', 'third', 'fourth', 'fifth'][min(rank, 4)]} by spend)"
