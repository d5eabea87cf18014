"""A campaign's holdout, drawn at random within strata so the two groups start alike, and the
share of its members expected to buy within the window anyway (for what it can detect)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.lift import split

SPEND_BANDS = 4  # spend quartiles within each lifecycle state


def stratified_holdout(members: pd.DataFrame, holdout: float, *, random_state: int) -> np.ndarray:
    """Which of ``members`` (rows with ``lifecycle`` and ``total_spend``; at least two) are
    held out: a bool array in row order, ``lift.split``'s count of them drawn at random.

    Members are ordered by stratum (lifecycle state, then spend quartile within the state),
    at random within each, and every (n / count)-th is taken from a random offset
    (systematic sampling): each stratum then holds out its share to within one customer, so
    the groups match on state and spend by design, not only on average.
    """
    rng = np.random.default_rng(random_state)
    states = members["lifecycle"].astype(str).fillna("").to_numpy()
    spend = members["total_spend"].to_numpy(dtype=float)
    bands = np.zeros(len(members), dtype=int)
    for state in np.unique(states):
        inside = states == state
        ranks = pd.Series(spend[inside]).rank(method="first", pct=True).to_numpy()
        bands[inside] = np.minimum((ranks * SPEND_BANDS).astype(int), SPEND_BANDS - 1)
    order = np.lexsort((rng.random(len(members)), bands, states))
    _, count = split(len(members), holdout)
    # Every (n / count)-th member in that order from a random offset: exactly ``count`` held
    # out, and each stratum (a run of that order) holds out its share to within one.
    step = len(members) / count
    picks = np.floor(rng.uniform(0, step) + step * np.arange(count)).astype(int)
    held = np.zeros(len(members), dtype=bool)
    held[order[picks]] = True
    return held


def expected_buying_share(customers: pd.DataFrame, days: int) -> float:
    """The share of ``customers`` (a run's per-customer rows) expected to buy within ``days``
    without any campaign: from the run's expected orders in 90 days where it made them, else
    from each customer's own pace (orders over days since the first), as a Poisson rate."""
    per_day = customers["expected_orders_90d"].astype(float) / 90
    tenure = customers["tenure_days"].astype(float).clip(lower=1).fillna(365)
    pace = customers["frequency"].astype(float) / tenure
    rate = per_day.where(per_day.notna(), pace).fillna(0).to_numpy()
    share = float(np.mean(1 - np.exp(-rate * days))) if len(rate) else 0.0
    # The power calculation needs a share strictly inside (0, 1).
    return min(max(share, 0.01), 0.99)
