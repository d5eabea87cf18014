"""What changed between two runs: who moved between segments, who is new, what is at risk.

Both runs are customer tables indexed by ``customer_id`` with ``segment`` and
``total_spend`` (``SegmentationResult.customers`` or storage's ``assignments_for``), and,
for revenue at risk from predictions, ``returns_value`` and ``p_active``.
Segment ids are expected to be aligned already (``segmentation.matching``), so a customer
whose id is unchanged stayed in the same segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from segmentation.facts import has_predictions, likely_gone
from segmentation.summary import Segment

# How revenue at risk was found (``Movement.at_risk_basis``).
INTO_LAPSING = "into_lapsing"  # moved from a non-lapsing segment into a lapsing one
NEWLY_GONE = "newly_gone"  # likely gone now, not in the previous run's likely-gone set
GONE_NOW = "gone_now"  # likely gone now; the previous run had no predictions to compare


@dataclass(frozen=True)
class Flow:
    """``customers`` customers went from segment ``source`` to ``target``, with their spend."""

    source: int
    target: int
    customers: int
    spend: float


@dataclass(frozen=True)
class Movement:
    """The change between a previous and a current run.

    ``flows`` counts customers present in both runs: rows are previous segment ids,
    columns current ids. When the current run has predictions, ``revenue_at_risk`` is the
    past net spend of customers who are likely gone now and were not at the previous run
    (``NEWLY_GONE``; ``GONE_NOW`` counts everyone likely gone now when the previous run had
    no predictions), and ``at_risk_segment`` the current segment holding most of them.
    Otherwise (``INTO_LAPSING``) it is the historic total spend (as of the current run) of
    customers who moved from a non-lapsing segment into a lapsing one.
    """

    flows: pd.DataFrame
    moved: int
    stayed: int
    new_customers: int
    lost_customers: int
    at_risk_customers: int
    revenue_at_risk: float
    largest: list[Flow] = field(default_factory=list)
    at_risk_basis: str = INTO_LAPSING
    at_risk_segment: int | None = None

    def to_dict(self) -> dict:
        """JSON-ready summary (flows as ``[[source, target, customers], ...]``)."""
        cells = self.flows.stack()
        return {
            "moved": self.moved,
            "stayed": self.stayed,
            "new_customers": self.new_customers,
            "lost_customers": self.lost_customers,
            "at_risk_customers": self.at_risk_customers,
            "revenue_at_risk": round(self.revenue_at_risk, 2),
            "flows": [[int(s), int(t), int(n)] for (s, t), n in cells.items() if n],
            "largest": [vars(f) for f in self.largest],
            "at_risk_basis": self.at_risk_basis,
            "at_risk_segment": self.at_risk_segment,
        }


def lapsing_ids(segments: Sequence[Segment]) -> set[int]:
    """Ids of the segments whose recency level is 'lapsed'."""
    return {s.id for s in segments if s.is_lapsing}


def movers(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Customers in both runs whose segment changed: ``from_segment``, ``to_segment``, ``total_spend``."""
    both = _both(previous, current)
    moved = both[both["segment_before"] != both["segment"]]
    return moved.rename(columns={"segment_before": "from_segment", "segment": "to_segment"})


def movement(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    *,
    previous_lapsing: set[int],
    current_lapsing: set[int],
    top: int = 3,
) -> Movement:
    """Flows between two runs, new and lost customers and revenue at risk (see ``Movement``)."""
    both = _both(previous, current)
    flows = pd.crosstab(both["segment_before"], both["segment"]).rename_axis(
        index="previous", columns="current"
    )
    changed = both[both["segment_before"] != both["segment"]]
    risk = _likely_gone_risk(previous, current)
    if risk is None:
        risky = changed[
            changed["segment"].isin(current_lapsing)
            & ~changed["segment_before"].isin(previous_lapsing)
        ]
        risk = (INTO_LAPSING, len(risky), float(risky["total_spend"].sum()), None)
    grouped = changed.groupby(["segment_before", "segment"])["total_spend"].agg(["size", "sum"])
    ranked = grouped.sort_values(["size", "sum"], ascending=False, kind="stable").head(top)
    largest = [
        Flow(int(s), int(t), int(row["size"]), round(float(row["sum"]), 2))
        for (s, t), row in ranked.iterrows()
    ]
    return Movement(
        flows=flows,
        moved=len(changed),
        stayed=len(both) - len(changed),
        new_customers=int((~current.index.isin(previous.index)).sum()),
        lost_customers=int((~previous.index.isin(current.index)).sum()),
        at_risk_customers=risk[1],
        revenue_at_risk=round(risk[2], 2),
        largest=largest,
        at_risk_basis=risk[0],
        at_risk_segment=risk[3],
    )


def _likely_gone_risk(
    previous: pd.DataFrame, current: pd.DataFrame
) -> tuple[str, int, float, int | None] | None:
    """(basis, customers, their past net spend, the segment holding most of them) of the
    customers likely gone now and not at the previous run; None without current predictions."""
    if not has_predictions(current):
        return None
    gone = current[likely_gone(current)]
    basis = GONE_NOW
    if has_predictions(previous):
        gone = gone[~gone.index.isin(previous.index[likely_gone(previous)])]
        basis = NEWLY_GONE
    net = float((gone["total_spend"] - gone["returns_value"]).sum())
    where = None if gone.empty else int(gone["segment"].value_counts().idxmax())
    return basis, len(gone), net, where


def describe_flow(flow: Flow, source: str, target: str, *, into_lapsing: bool) -> str:
    """The flow in words, e.g. "212 customers slipped from High-frequency buyers to Lapsed buyers"."""
    who = "1 customer" if flow.customers == 1 else f"{flow.customers:,} customers"
    verb = "slipped" if into_lapsing else "moved"
    return f"{who} {verb} from {source} to {target}"


def _both(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Customers in both runs: ``segment_before``, ``segment`` and current ``total_spend``."""
    before = previous[["segment"]].rename(columns={"segment": "segment_before"})
    return before.join(current[["segment", "total_spend"]], how="inner")
