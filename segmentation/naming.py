"""Plain-English segment names from where each segment's medians sit among all customers.

A segment is "low", "moderate" or "high" on a feature when its median lies at least
half a standard deviation below or above the mean of all customers, on the model's
scale (``segmentation.scale``); the name is built from those levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.scale import fit_scale, on_scale
from segmentation.summary import FEATURES

LOW, HIGH = -0.5, 0.5  # z-scores on the model's scale: at or beyond these a level is low / high


@dataclass(frozen=True)
class Profile:
    """Where a segment's medians sit among all customers.

    ``recency``, ``frequency``, ``average_spend`` and ``total_spend`` are the segment
    median as a z-score of log1p(feature) over all customers: the same scale the model
    clusters on, so a "high" level means the segment really stands out on that feature.
    ``median_frequency`` is the plain median number of orders (1 = one-time buyers).
    """

    recency: float  # high = long since the last purchase
    frequency: float
    average_spend: float
    total_spend: float
    median_frequency: float

    def level(self, feature: str) -> str:
        """'low' (z <= LOW), 'high' (z >= HIGH) or 'moderate' for one of the four features."""
        value = getattr(self, feature)
        return "low" if value <= LOW else "high" if value >= HIGH else "moderate"

    @property
    def recency_word(self) -> str:
        """The recency level in words: 'recent' (low), 'lapsed' (high) or 'moderate'."""
        return {"low": "recent", "high": "lapsed", "moderate": "moderate"}[self.level("recency")]


def profiles(features: pd.DataFrame, labels: np.ndarray) -> dict[int, Profile]:
    """Profile per segment id.

    ``features`` has one row per customer with the four ``FEATURES`` columns; ``labels``
    gives each row's segment id. The scale is fitted over all the rows.
    """
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
    """A unique, faithful name per segment id, e.g. "Lapsed buyers with low spending".

    The lead comes from the levels, first match wins: high frequency ("High-frequency
    buyers" for the segment with the highest median frequency, "Frequent buyers" for any
    other), lapsed, recent, low frequency, else "Regular buyers"; "with" and a spend
    phrase follow.
    Where names clash, each clashing name first gets its recency ("active recently",
    "drifting away", "seen a while ago") unless it already says it; names still clashing
    get their rank by median total spend among them ("top by spend", "second by spend",
    ... "fifth by spend" from the fifth on).
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
    """Lead plus spend phrase (see ``name_segments``); "one-time" where the median is one order."""
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
    """The spend part of a name: "low spending", "high average spending", ...

    Names the total spend level, or the one spend measure that is high when the two
    differ. ``mention_frequency`` (for "Recent buyers" of moderate frequency) adds
    "moderate frequency and" so the name says how often they buy.
    """
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
    """Ids of the segments whose name another segment also has."""
    counts = pd.Series(list(names.values())).value_counts()
    return [s for s, n in names.items() if counts[n] > 1]


def _with_recency(name: str, p: Profile, _rank: int) -> str:
    """The name with its recency added, unless it already says it ("Recent…", "Lapsed…")."""
    if "Recent" in name or "Lapsed" in name:
        return name
    suffix = {
        "recent": "active recently",
        "lapsed": "drifting away",
        "moderate": "seen a while ago",
    }
    return f"{name}, {suffix[p.recency_word]}"


def _with_rank(name: str, _p: Profile, rank: int) -> str:
    """The name with its rank (0 = top) by median total spend among the clashing ones."""
    return f"{name} ({['top', 'second', 'third', 'fourth', 'fifth'][min(rank, 4)]} by spend)"
