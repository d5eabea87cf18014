"""Who is slipping away and what they are worth: MBG/NBD + Gamma-Gamma on segbot's customers.

``predict_customers`` takes the per-customer table the pipeline builds (``frequency``,
``recency_days``, ``tenure_days``, ``average_spend``) and returns, per customer, the chance
they are still a customer, their expected orders and expected spend over a horizon, with
the fitted models. When the export cannot support the models it raises ``ClvUnavailable``
whose message is a plain sentence to show as is. The models live in
``segmentation.clv_models`` and ``segmentation.clv_mbg``; this module only adapts segbot's
table to them and guards them. ``segmentation.clv_check`` checks them on the export's own
history before anything is shown.

The purchases are modelled with the modified BG/NBD, not BG/NBD: BG/NBD lets a customer drop
out only right after a repeat purchase, so every one-time buyer, however long silent, is
"surely still active". On CDNOW the modified model tells the customers who stopped from the
others (see ``benchmarks/bench_predictions.py``); BG/NBD does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from segmentation.clv_mbg import ModifiedBgNbd, fit_mbgnbd
from segmentation.clv_models import BgNbd, GammaGamma, fit_bgnbd, fit_gamma_gamma
from segmentation.errors import ExportError

__all__ = [
    "ASSUMPTIONS",
    "BgNbd",
    "ClvUnavailable",
    "GammaGamma",
    "ModifiedBgNbd",
    "Prediction",
    "PurchaseModel",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_mbgnbd",
    "frequency_recency_age",
    "predict_customers",
    "unavailable_reason",
]

ASSUMPTIONS = (
    "The model assumes each customer buys at a steady personal rate until they silently drop "
    "out, and that order values vary around a personal mean independent of how often they buy."
)
MIN_REPEAT_CUSTOMERS = 30  # below this the drop-out and spend spreads are guesses
MIN_REPEAT_SHARE = 0.10  # ... and below a tenth repeat buyers, too few to learn a rhythm from
MIN_HISTORY_DAYS = 28  # a few weeks: a rate cannot be told from a single burst
UNIT_DAYS = 7  # fit in weeks, as the papers do; the predictions do not depend on the unit


class ClvUnavailable(ExportError):
    """The export cannot support a lifetime-value prediction; the message says why."""


class PurchaseModel(Protocol):
    """A fitted model of when customers buy and drop out (BG/NBD, MBG/NBD, Pareto/NBD)."""

    converged: bool

    def p_alive(self, x, t_x, T) -> np.ndarray: ...

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray: ...


PurchaseFit = Callable[[np.ndarray, np.ndarray, np.ndarray], PurchaseModel]


@dataclass(frozen=True)
class Prediction:
    """Per-customer predictions and the models behind them.

    ``customers`` is indexed like the input table, with ``p_active`` (probability the
    customer has not silently dropped out), ``expected_orders`` and ``expected_value``
    (spend in the currency of ``average_spend``) over the next ``horizon_days``. The
    columns are named ``expected_orders_{horizon_days}d`` and ``expected_value_{...}d``.
    """

    customers: pd.DataFrame
    purchases: PurchaseModel
    spend: GammaGamma
    horizon_days: int

    @property
    def orders_column(self) -> str:
        return f"expected_orders_{self.horizon_days}d"

    @property
    def value_column(self) -> str:
        return f"expected_value_{self.horizon_days}d"


def frequency_recency_age(
    customers: pd.DataFrame, unit_days: float = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BG/NBD's (x, t_x, T) from segbot's customer table.

    Takes columns ``frequency`` (distinct orders), ``recency_days`` (days since the last
    order) and ``tenure_days`` (days since the first). Returns float arrays: x = repeat
    orders = frequency − 1, t_x = days from first to last order, T = tenure, the times
    divided by ``unit_days``.
    """
    frequency = customers["frequency"].to_numpy(dtype=float)
    tenure = customers["tenure_days"].to_numpy(dtype=float)
    recency = customers["recency_days"].to_numpy(dtype=float)
    return frequency - 1, (tenure - recency) / unit_days, tenure / unit_days


def unavailable_reason(customers: pd.DataFrame) -> str | None:
    """Why the table cannot support the models, as a sentence for a marketer, or None.

    Checks only the data (repeat buyers, length of history); a fit that fails to converge
    is reported by ``predict_customers``.
    """
    total = len(customers)
    repeat = int((customers["frequency"] >= 2).sum()) if total else 0
    if repeat < MIN_REPEAT_CUSTOMERS or repeat < MIN_REPEAT_SHARE * total:
        return (
            f"Lifetime value needs customers who came back: only {repeat:,} of {total:,} "
            f"customers ordered more than once (at least {MIN_REPEAT_CUSTOMERS} and "
            f"{MIN_REPEAT_SHARE:.0%} are needed to learn how often people buy and when they stop)."
        )
    # Days between the earliest first order and the latest last order in the export.
    history = int(customers["tenure_days"].max() - customers["recency_days"].min())
    if history < MIN_HISTORY_DAYS:
        return (
            f"Lifetime value needs a longer history: the orders span only {history} days "
            f"(at least {MIN_HISTORY_DAYS // 7} weeks are needed to tell a steady customer "
            "from a one-off burst)."
        )
    return None


def predict_customers(
    customers: pd.DataFrame, *, horizon_days: int = 90, fit: PurchaseFit = fit_mbgnbd
) -> Prediction:
    """Fit a purchase model (MBG/NBD unless ``fit`` says otherwise, e.g. ``fit_bgnbd``) and
    Gamma-Gamma on the table and predict each customer's next ``horizon_days``.

    Takes segbot's customer table (``frequency``, ``recency_days``, ``tenure_days``,
    ``average_spend``). Returns a ``Prediction``; raises ``ClvUnavailable`` with a plain
    sentence when there are too few repeat buyers, too short a history, or a fit does not
    converge. Nothing here checks the predictions against the facts: see ``clv_check``.
    """
    reason = unavailable_reason(customers)
    if reason:
        raise ClvUnavailable(reason)
    x, t_x, T = frequency_recency_age(customers, unit_days=UNIT_DAYS)
    purchases = fit(x, t_x, T)
    spend = _fit_spend(customers)
    if not (purchases.converged and spend.converged):
        which = "how often customers buy" if not purchases.converged else "what they spend"
        raise ClvUnavailable(
            f"Lifetime value could not be estimated: the model of {which} did not settle on "
            "this export's data, so its figures would not be trustworthy."
        )
    orders = purchases.expected_purchases(horizon_days / UNIT_DAYS, x, t_x, T)
    value = _expected_order_value(customers, spend)
    frame = pd.DataFrame(
        {
            "p_active": purchases.p_alive(x, t_x, T),
            f"expected_orders_{horizon_days}d": orders,
            f"expected_value_{horizon_days}d": orders * value,
        },
        index=customers.index,
    )
    return Prediction(frame, purchases, spend, horizon_days)


def _fit_spend(customers: pd.DataFrame) -> GammaGamma:
    """Gamma-Gamma on repeat buyers with a positive average.

    ``average_spend`` is the mean over all ``frequency`` orders (the first included), so
    the number of orders averaged is ``frequency``, not the repeat count. One-order
    customers are left out of the fit as in Fader & Hardie, since a single value says
    nothing about how values vary around a customer's mean.
    """
    n, m = _orders_and_mean(customers)
    keep = (n >= 2) & (m > 0)
    return fit_gamma_gamma(n[keep], m[keep])


def _expected_order_value(customers: pd.DataFrame, spend: GammaGamma) -> np.ndarray:
    """Each customer's expected order value; a non-positive average gets the population mean."""
    n, m = _orders_and_mean(customers)
    usable = m > 0
    return np.where(
        usable,
        spend.expected_average_value(np.where(usable, n, 0), np.where(usable, m, 0)),
        spend.population_mean,
    )


def _orders_and_mean(customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return (
        customers["frequency"].to_numpy(dtype=float),
        customers["average_spend"].to_numpy(dtype=float),
    )
