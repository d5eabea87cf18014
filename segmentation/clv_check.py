"""Predictions checked on the export's own history before they are shown.

The models are fitted again on the orders before the export's last stretch (``Holdout``: the
last 90 days, or the last third of a shorter history), asked for that stretch, and compared
with what came: the total orders and revenue, each customer's orders against each customer's
own past rate, and whether the customers called likely gone then ordered less often than the
others. On the fit that is shown, customers silent for over four of their usual gaps between
orders must not be called almost surely active. ``checked_predictions`` returns the
predictions with the check when every rule holds, and raises ``ClvUnavailable`` with the
rule that failed, in one sentence with its figures, otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from segmentation.clv import (
    UNIT_DAYS,
    ClvUnavailable,
    Prediction,
    PurchaseFit,
    frequency_recency_age,
    predict_customers,
)
from segmentation.clv_mbg import fit_mbgnbd
from segmentation.engine.prepared import MIN_CHECK_DAYS, Holdout
from segmentation.facts import LIKELY_GONE
from segmentation.lifecycle import LAPSED_GAPS, MIN_GAP_DAYS, lifecycle_from

TOTAL_TOLERANCE = 0.25  # a predicted total more than a quarter off is no plan to act on
GONE_REORDER_AT_MOST = 0.5  # "likely gone" must re-order at most half as often as the others
MIN_GONE = 10  # fewer called likely gone are too few to compare
ALMOST_SURELY = 0.9  # a chance of still being active this high reads as "surely active"
SURE_SILENT_AT_MOST = 0.1  # at most a tenth of the long-silent may be called that


@dataclass(frozen=True)
class Backtest:
    """A back-test's figures: fitted on the orders before ``start``, asked for ``days`` days.

    ``predicted_orders``/``orders`` and ``predicted_revenue``/``revenue`` are the stretch's
    totals over the ``customers`` who had bought before ``start``; ``mae`` is the mean absolute
    error of each customer's predicted orders and ``naive_mae`` that of each customer's past
    repeat rate × ``days``. ``gone`` customers were called likely gone on ``start``;
    ``gone_reordered`` and ``others_reordered`` are the shares of them and of the others who
    ordered in the stretch. ``silent`` customers of the shown fit were silent for over
    ``LAPSED_GAPS`` of their usual gaps, ``silent_sure`` of them called almost surely active.
    """

    start: dt.date
    days: int
    customers: int
    predicted_orders: float
    orders: int
    predicted_revenue: float
    revenue: float
    mae: float
    naive_mae: float
    gone: int
    gone_reordered: float
    others_reordered: float
    silent: int = 0
    silent_sure: int = 0

    @property
    def fitted_to(self) -> dt.date:
        """The last day of the history the check was fitted on."""
        return self.start - dt.timedelta(days=1)

    def broken(self) -> tuple[str, ...]:
        """The rules the check breaks, in the order they are tried: "orders", "revenue",
        "per customer", "likely gone", "silent" (empty when all hold)."""
        rules = {
            "orders": not _within(self.predicted_orders, self.orders),
            "revenue": not _within(self.predicted_revenue, self.revenue),
            "per customer": self.mae >= self.naive_mae,
            "likely gone": self.gone >= MIN_GONE and not self._gone_ordered_less(),
            "silent": self.silent_sure > SURE_SILENT_AT_MOST * self.silent,
        }
        return tuple(rule for rule, broken in rules.items() if broken)

    def failure(self) -> str | None:
        """The first rule the check breaks, as a sentence with its figures; None when all hold."""
        broken = self.broken()
        if not broken:
            return None
        off = "Checked on this export's own history, the model is off by more than a quarter"
        return {
            "orders": f"{off}: {self._orders()}.",
            "revenue": f"{off}: {self._revenue()}.",
            "per customer": (
                f"Checked on this export's own history, the model does no better than each "
                f"customer's past rate: fitted to {self.fitted_to:%Y-%m-%d}, it missed each "
                f"customer's orders in the next {self.days} days by {self.mae:.2f} on average, "
                f"against {self.naive_mae:.2f} for the past rate."
            ),
            "likely gone": (
                f"Checked on this export's own history, the model cannot tell who has stopped "
                f"buying: {self._gone()}."
            ),
            "silent": (
                f"The model contradicts this export's lifecycle: it calls {self.silent_sure:,} "
                f"of the {self.silent:,} customers silent for over {LAPSED_GAPS} of their usual "
                f"gaps between orders almost surely active (a chance of {ALMOST_SURELY:.0%} or more)."
            ),
        }[broken[0]]

    def sentence(self) -> str:
        """What the check found, in one sentence (the predictions shown come with it)."""
        gone = f", and {self._gone()}" if self.gone >= MIN_GONE else ""
        return f"Checked on this export: {self._orders()}{gone}."

    def _orders(self) -> str:
        return (
            f"fitted to {self.fitted_to:%Y-%m-%d}, it predicted {self.predicted_orders:,.0f} "
            f"orders in the next {self.days} days; {_came(self.predicted_orders, self.orders)}"
        )

    def _revenue(self) -> str:
        return (
            f"fitted to {self.fitted_to:%Y-%m-%d}, it predicted {self.predicted_revenue:,.0f} "
            f"in sales for the next {self.days} days; {_came(self.predicted_revenue, self.revenue)}"
        )

    def _gone(self) -> str:
        return (
            f"{self.gone_reordered:.0%} of the {self.gone:,} customers it called likely gone "
            f"ordered again, against {self.others_reordered:.0%} of the others"
        )

    def _gone_ordered_less(self) -> bool:
        return self.gone_reordered <= GONE_REORDER_AT_MOST * self.others_reordered


def checked_predictions(
    customers: pd.DataFrame,
    holdout: Holdout | None,
    *,
    horizon_days: int = 90,
    fit: PurchaseFit = fit_mbgnbd,
) -> tuple[Prediction, Backtest]:
    """``predict_customers`` on the table, shown only when ``backtest`` on ``holdout`` holds.

    Returns the predictions and the check; raises ``ClvUnavailable`` with a plain sentence
    when the export cannot support the models, cannot be checked, or fails the check.
    """
    prediction = predict_customers(customers, horizon_days=horizon_days, fit=fit)
    if holdout is None:
        span = int(customers["tenure_days"].max())
        raise ClvUnavailable(
            f"The predictions could not be checked: the history covers only {span:,} days, and "
            f"at least {3 * MIN_CHECK_DAYS // 7} weeks are needed to fit on the first two thirds "
            "and compare the last third with what the model predicts for it."
        )
    check = backtest(holdout, fit=fit)
    silent = long_silent(customers)
    sure = prediction.customers["p_active"].to_numpy() >= ALMOST_SURELY
    check = replace(check, silent=int(silent.sum()), silent_sure=int((silent & sure).sum()))
    reason = check.failure()
    if reason is not None:
        raise ClvUnavailable(reason)
    return prediction, check


def backtest(holdout: Holdout, *, fit: PurchaseFit = fit_mbgnbd) -> Backtest:
    """Fit on the customers as they were on ``holdout.start`` and score the stretch after it.

    Raises ``ClvUnavailable`` when the history before the stretch cannot support the models.
    """
    before = holdout.customers
    try:
        prediction = predict_customers(before, horizon_days=holdout.days, fit=fit)
    except ClvUnavailable as unavailable:
        reason = str(unavailable)
        raise ClvUnavailable(
            f"The predictions could not be checked on the history before "
            f"{holdout.start:%Y-%m-%d}: {reason[:1].lower()}{reason[1:]}"
        ) from unavailable
    predicted = prediction.customers[prediction.orders_column].to_numpy()
    orders = before["held_orders"].to_numpy(dtype=float)
    x, _, T = frequency_recency_age(before, unit_days=UNIT_DAYS)
    naive = np.divide(x, T, out=np.zeros_like(x), where=T > 0) * holdout.days / UNIT_DAYS
    gone = prediction.customers["p_active"].to_numpy() < LIKELY_GONE
    ordered = orders > 0
    return Backtest(
        start=holdout.start,
        days=holdout.days,
        customers=len(before),
        predicted_orders=float(predicted.sum()),
        orders=int(orders.sum()),
        predicted_revenue=float(prediction.customers[prediction.value_column].sum()),
        revenue=float(before["held_spend"].sum()),
        mae=float(np.mean(np.abs(predicted - orders))),
        naive_mae=float(np.mean(np.abs(naive - orders))),
        gone=int(gone.sum()),
        gone_reordered=float(ordered[gone].mean()) if gone.any() else 0.0,
        others_reordered=float(ordered[~gone].mean()) if (~gone).any() else 0.0,
    )


def long_silent(customers: pd.DataFrame) -> np.ndarray:
    """True for each customer silent for over ``LAPSED_GAPS`` of their usual gaps: their own
    mean gap between orders (at least ``MIN_GAP_DAYS``), or the export's typical gap for a
    one-time buyer (the lifecycle's lapsed threshold)."""
    frequency = customers["frequency"].to_numpy(dtype=float)
    recency = customers["recency_days"].to_numpy(dtype=float)
    span = customers["tenure_days"].to_numpy(dtype=float) - recency
    repeat = frequency >= 2
    own_gap = np.maximum(
        np.divide(span, frequency - 1, where=repeat, out=np.zeros_like(span)), MIN_GAP_DAYS
    )
    lapsed_after = np.where(repeat, LAPSED_GAPS * own_gap, lifecycle_from(customers).lapsed_days)
    return recency > lapsed_after


def _within(predicted: float, actual: float) -> bool:
    return actual > 0 and abs(predicted - actual) <= TOTAL_TOLERANCE * actual


def _came(predicted: float, actual: float) -> str:
    """ "3,402 came (6% low)", or "none came"."""
    if actual <= 0:
        return "none came"
    share = (predicted - actual) / actual
    return f"{actual:,.0f} came ({abs(share):.0%} {'high' if share > 0 else 'low'})"
