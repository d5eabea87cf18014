"""Lifecycle states from absolute time: new, active, at risk, lapsed.

The thresholds come from the export's own purchase rhythm: the typical gap between orders of
customers who bought more than once. A customer who has gone two typical gaps without an order
has missed the next one and is *at risk*; after four gaps they are *lapsed*. A customer whose
first order is at most one typical gap old is *new*. Without repeat customers there is no rhythm
to read, and the usual 90/180-day windows are used (and said).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

STATES = ("new", "active", "at_risk", "lapsed")
STATE_WORDS = {"new": "new", "active": "active", "at_risk": "at risk", "lapsed": "lapsed"}
AT_RISK_GAPS, LAPSED_GAPS = 2, 4
MIN_GAP_DAYS = 7  # a store of daily buyers still gets a week before anyone counts as at risk
DEFAULT_AT_RISK_DAYS, DEFAULT_LAPSED_DAYS, DEFAULT_NEW_DAYS = 90, 180, 30


@dataclass(frozen=True)
class Lifecycle:
    """Day thresholds for the states, and the rhythm they were read from.

    ``typical_gap_days`` is the median gap between orders of repeat customers (None when
    nobody bought twice). Recency above ``lapsed_days`` is lapsed, above ``at_risk_days`` at
    risk; a first order at most ``new_days`` old is new; everyone else is active.
    """

    typical_gap_days: int | None
    new_days: int
    at_risk_days: int
    lapsed_days: int

    def describe(self) -> str:
        """The thresholds in one sentence, with where they come from."""
        if self.typical_gap_days is None:
            basis = "No customer ordered twice, so the usual windows apply"
        else:
            basis = f"Repeat customers order every {self.typical_gap_days:,} days (median gap), so"
        return (
            f"{basis}: active = last order within {self.at_risk_days:,} days, at risk = "
            f"{self.at_risk_days + 1:,}–{self.lapsed_days:,} days, lapsed = over "
            f"{self.lapsed_days:,} days; new = first order within {self.new_days:,} days."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "typical_gap_days": self.typical_gap_days,
            "new_days": self.new_days,
            "at_risk_days": self.at_risk_days,
            "lapsed_days": self.lapsed_days,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lifecycle:
        gap = data.get("typical_gap_days")
        return cls(
            typical_gap_days=None if gap is None else int(gap),
            new_days=int(data["new_days"]),
            at_risk_days=int(data["at_risk_days"]),
            lapsed_days=int(data["lapsed_days"]),
        )


def lifecycle_from(customers: pd.DataFrame) -> Lifecycle:
    """Thresholds from a customer table with ``recency_days``, ``tenure_days``, ``frequency``.

    ``tenure_days`` is the age of the first order; a repeat customer's mean gap between orders
    is (tenure − recency) / (orders − 1).
    """
    repeat = customers[customers["frequency"] >= 2]
    if repeat.empty:
        return Lifecycle(None, DEFAULT_NEW_DAYS, DEFAULT_AT_RISK_DAYS, DEFAULT_LAPSED_DAYS)
    gaps = (repeat["tenure_days"] - repeat["recency_days"]) / (repeat["frequency"] - 1)
    gap = max(MIN_GAP_DAYS, round(float(gaps.median())))
    return Lifecycle(gap, gap, AT_RISK_GAPS * gap, LAPSED_GAPS * gap)


def lifecycle_states(customers: pd.DataFrame, lifecycle: Lifecycle) -> pd.Series:
    """Each customer's state (one of ``STATES``), indexed like ``customers``."""
    recency = customers["recency_days"].to_numpy()
    tenure = customers["tenure_days"].to_numpy()
    states = np.select(
        [
            recency > lifecycle.lapsed_days,
            recency > lifecycle.at_risk_days,
            tenure <= lifecycle.new_days,
        ],
        ["lapsed", "at_risk", "new"],
        default="active",
    )
    return pd.Series(pd.Categorical(states, categories=STATES), index=customers.index)
