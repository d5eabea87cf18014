"""The evidence a segment's name and strategies rest on: relative levels and absolute facts.

A segment is "low", "moderate" or "high" on a feature when its median lies at least
half a standard deviation below or above the mean of all customers, on the model's
scale (``segmentation.scale``). ``Evidence`` puts those levels next to the segment's
medians, its facts (one-time share, lifecycle mix, returns) and the lifecycle thresholds,
so every word can be checked against absolute numbers too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.affinity import SegmentProducts
from segmentation.facts import SegmentFacts
from segmentation.lifecycle import Lifecycle
from segmentation.scale import fit_scale, on_scale
from segmentation.summary import FEATURES, Medians

LOW, HIGH = -0.5, 0.5  # z-scores on the model's scale: at or beyond these a level is low / high
# Spend is "high" (the words "high spending", "high average spending", the premium and VIP
# actions) only when the segment's median customer also spends at least this many times what
# the store's median customer does. Half a standard deviation can be a few percent on a store
# whose orders are all alike; a quarter more is a difference a shopper's basket shows, and
# stays clear of the 1.2x "just over the median order" the free-shipping threshold is set at.
WELL_ABOVE = 1.25
SPEND = ("average_spend", "total_spend")


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


@dataclass(frozen=True)
class Evidence:
    """One segment as names and strategies see it.

    ``overall`` holds the medians of all customers (the absolute reference for "high" and
    "low"); ``currency`` is an ISO code or None.
    """

    segment_id: int
    customers: int
    profile: Profile
    median: Medians
    facts: SegmentFacts
    lifecycle: Lifecycle
    overall: Medians
    currency: str | None = None
    products: SegmentProducts | None = None  # what it over-indexes on, when the export says
    listed: int = 0  # its customers whose usual and next products the CSV lists

    def level(self, feature: str) -> str:
        """The relative level of a feature, held to absolute terms: "high" only when the
        segment's median is also above all customers' median (for spend, at least
        ``WELL_ABOVE`` times it), "low" only when below."""
        level = self.profile.level("recency" if feature == "recency_days" else feature)
        mine, everyone = getattr(self.median, feature), getattr(self.overall, feature)
        if level == "high" and not mine > everyone:
            return "moderate"
        if level == "high" and feature in SPEND and self.ratio(feature) < WELL_ABOVE:
            return "moderate"
        if level == "low" and not mine < everyone:
            return "moderate"
        return level

    def ratio(self, feature: str) -> float:
        """The segment's median over all customers' median (infinite when only theirs is not
        positive, 0 when neither is)."""
        mine, everyone = getattr(self.median, feature), getattr(self.overall, feature)
        if everyone > 0:
            return mine / everyone
        return math.inf if mine > 0 else 0.0

    @property
    def active_share(self) -> float:
        """New or active customers, as a share of the segment."""
        return self.facts.share("new") + self.facts.share("active")

    @property
    def slipping_share(self) -> float:
        """At-risk or lapsed customers, as a share of the segment."""
        return self.facts.share("at_risk") + self.facts.share("lapsed")
