"""BG/NBD and Gamma-Gamma models fitted by maximum likelihood (scipy), vectorised.

BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to
the Pareto/NBD model", Marketing Science 24(2). While alive a customer buys at a personal
Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with a personal probability
p ~ Beta(a, b). Inputs per customer: x repeat purchases, t_x the time of the last purchase
since the first, T the customer's age (time since the first purchase), in one time unit.

Gamma-Gamma: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value". A customer's
order values vary around a personal mean; inputs are the number of orders averaged and
their mean value.

Parameters are optimised on the log scale so they stay positive (inside a wide box, whose
edge means no interior maximum); the log-likelihoods are the papers' closed forms. Customers with identical inputs are collapsed
into one weighted row first: integer-day data has many duplicates, so the optimiser's
work grows with the number of distinct histories, not of customers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from segmentation.threads import one_thread

# Log-parameters are kept in this box: a fit that runs into it has not found an interior
# maximum (e.g. the data show no drop-out at all), which we report as not converged.
_LOG_BOUND = 12.0


@dataclass(frozen=True)
class BgNbd:
    """A fitted BG/NBD model; times are in the unit the model was fitted in."""

    r: float
    alpha: float
    a: float
    b: float
    converged: bool
    log_likelihood: float

    def p_alive(self, x, t_x, T) -> np.ndarray:
        """P(the customer has not dropped out by T), per customer (FHL 2005, eq. 11).

        A customer with no repeat purchase (x = 0) cannot have dropped out yet, since in
        BG/NBD drop-out happens only right after a purchase: their probability is 1.
        """
        x, t_x, T = arrays(x, t_x, T)
        return 1.0 / (1.0 + self._odds_dead(x, t_x, T))

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """Expected purchases in the next ``t`` units given (x, t_x, T) (FHL 2005, eq. 10).

        The paper's 2F1(r+x, b+x; a+b+x-1; z) is rewritten with Euler's transformation
        as (1-z)^(a-1-r-x)·2F1(a+b-1-r, a-1; a+b+x-1; z): the first two arguments no
        longer grow with x, so frequent buyers do not push hyp2f1 out of its accurate range.
        """
        x, t_x, T = arrays(x, t_x, T)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        if abs(a - 1) < 1e-9:  # the formula is 0/0 at a = 1; its limit is met a hair away
            a = 1 + 1e-9
        one_minus_z = (alpha + T) / (alpha + T + t)
        z = t / (alpha + T + t)
        tail = one_minus_z ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        alive_mean = (a + b + x - 1) / (a - 1) * (1 - tail)
        return alive_mean / (1.0 + self._odds_dead(x, t_x, T))

    def _odds_dead(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """P(dead)/P(alive) up to the shared factor; 0 where x = 0."""
        repeat = x > 0
        # b + x - 1 is 0 for x = 0 when b < 1 is tiny: only evaluate where it is used.
        safe_x = np.where(repeat, x, 1.0)
        ratio = np.exp((self.r + safe_x) * np.log((self.alpha + T) / (self.alpha + t_x)))
        return np.where(repeat, self.a / (self.b + safe_x - 1) * ratio, 0.0)


@dataclass(frozen=True)
class GammaGamma:
    """A fitted Gamma-Gamma model of average order value (p, q, gamma as in the paper)."""

    p: float
    q: float
    gamma: float
    converged: bool
    log_likelihood: float

    def expected_average_value(self, x, m) -> np.ndarray:
        """E[a customer's mean order value | x orders averaging m] (Fader & Hardie 2013, eq. 5).

        A weighted mix of the population mean p·γ/(q-1) and the customer's own mean m; the
        more orders, the more weight on m. With x = 0 it is the population mean. Needs q > 1.
        """
        x, m = arrays(x, m)
        p, q, gamma = self.p, self.q, self.gamma
        return p * (gamma + m * x) / (p * x + q - 1)

    @property
    def population_mean(self) -> float:
        """The mean order value across customers, p·γ/(q-1) (infinite when q ≤ 1)."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


def bgnbd_log_likelihood(log_params, x, t_x, T, weights=None) -> float:
    """Sum of the BG/NBD log-likelihood (FHL 2005, eq. 6) at exp(log_params) = (r, α, a, b)."""
    r, alpha, a, b = np.exp(log_params)
    x, t_x, T = arrays(x, t_x, T)
    repeat = x > 0
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive = betaln(a, b + x) - (r + x) * np.log(alpha + T)
    safe_x = np.where(repeat, x, 1.0)  # betaln(a+1, b-1) is undefined for b < 1
    dead = betaln(a + 1, b + safe_x - 1) - (r + safe_x) * np.log(alpha + t_x)
    per_row = head + np.where(repeat, np.logaddexp(alive, dead), alive)
    return float(np.sum(per_row if weights is None else per_row * weights))


def gamma_gamma_log_likelihood(log_params, x, m, weights=None) -> float:
    """Sum of the Gamma-Gamma log-likelihood of means m over x orders at exp(log_params)."""
    p, q, gamma = np.exp(log_params)
    x, m = arrays(x, m)
    px = p * x
    per_row = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + m * x)
    )
    return float(np.sum(per_row if weights is None else per_row * weights))


def fit_bgnbd(x, t_x, T) -> BgNbd:
    """Fit BG/NBD by maximum likelihood.

    Takes per-customer arrays: x repeat purchases (≥ 0), t_x time of the last purchase
    since the first and T age, in one unit (0 ≤ t_x ≤ T, T > 0). Returns the fitted model;
    ``converged`` is False when the optimiser failed or a parameter ran to the edge.
    """
    # Start α near the mean age: the rate's scale is then about one purchase per history.
    (r, alpha, a, b), loglik, ok = fit_by_likelihood(
        bgnbd_log_likelihood, x, t_x, T, scales=(False, True, False, False)
    )
    return BgNbd(float(r), float(alpha), float(a), float(b), ok, loglik)


def fit_by_likelihood(
    loglik: Callable[..., float], x, t_x, T, *, scales: tuple[bool, ...],
    with_gradient: bool = False,
) -> tuple[np.ndarray, float, bool]:  # fmt: skip
    """Fit a model of per-customer (x, t_x, T) by maximum likelihood (``loglik`` as
    ``bgnbd_log_likelihood``): its parameters, log-likelihood and whether it converged.

    ``scales`` marks the parameters that start near the mean age (the others start at 1);
    ``with_gradient``: ``loglik`` returns the value and its gradient in the log-parameters.
    """
    x, t_x, T = arrays(x, t_x, T)
    rows, weights = collapse(np.column_stack([x, t_x, T]))
    columns = (rows[:, 0], rows[:, 1], rows[:, 2])
    age = max(float(np.mean(T)), 1e-3)
    start = np.log([age if scale else 1.0 for scale in scales])
    log_params, value, ok = maximise(loglik, start, columns, weights, with_gradient=with_gradient)
    return np.exp(log_params), value, ok


def fit_gamma_gamma(frequency_repeat, mean_value) -> GammaGamma:
    """Fit Gamma-Gamma by maximum likelihood.

    Takes, per customer, the number of orders whose values were averaged (≥ 1; Fader &
    Hardie use repeat orders only) and their mean value (> 0). Returns the fitted model;
    ``converged`` is False when the optimiser failed, a parameter ran to the edge or q ≤ 1
    (no finite mean order value).
    """
    x, m = arrays(frequency_repeat, mean_value)
    rows, weights = collapse(np.column_stack([x, m]))
    # Start the scale γ at the typical mean value so p and q start near 1.
    start = np.log([1.0, 1.0, max(float(np.median(m)), 1e-3)])
    log_params, loglik, ok = maximise(
        gamma_gamma_log_likelihood, start, (rows[:, 0], rows[:, 1]), weights
    )
    p, q, gamma = np.exp(log_params)
    return GammaGamma(float(p), float(q), float(gamma), bool(ok and q > 1), loglik)


def maximise(
    loglik: Callable[..., float], start: np.ndarray, columns: tuple, weights: np.ndarray,
    *, with_gradient: bool = False,
) -> tuple[np.ndarray, float, bool]:  # fmt: skip
    """Maximise ``loglik(log_params, *columns, weights)`` from ``start`` (with its gradient
    as a second value when ``with_gradient``; else the optimiser estimates it).

    Returns (log-parameters, log-likelihood, converged). The log-likelihood is divided by
    the number of customers so the optimiser's tolerances mean the same at any data size.
    """
    total = float(np.sum(weights))

    def objective(log_params: np.ndarray):
        if not with_gradient:
            value = -loglik(log_params, *columns, weights) / total
            return value if np.isfinite(value) else 1e10  # an overflow: a bad step, not a crash
        value, gradient = loglik(log_params, *columns, weights)
        gradient = -gradient / total
        if not (np.isfinite(value) and np.all(np.isfinite(gradient))):
            return 1e10, np.zeros_like(gradient)
        return -value / total, gradient

    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(start)
    options = {"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9}  # tight: the papers' 3 digits
    # L-BFGS-B's tiny BLAS calls are 4-5× slower with OpenBLAS's thread pool than without.
    with one_thread("blas"):
        result = minimize(objective, start, method="L-BFGS-B", jac=with_gradient,
                          bounds=bounds, options=options)  # fmt: skip
    inside = bool(np.all(np.abs(result.x) < _LOG_BOUND - 1e-3))
    ok = bool(result.success and inside and np.isfinite(result.fun))
    return result.x, -float(result.fun) * total, ok


def collapse(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows and how many customers share each."""
    distinct, counts = np.unique(rows, axis=0, return_counts=True)
    return distinct, counts.astype(float)


def arrays(*values) -> tuple[np.ndarray, ...]:
    """Each input as a float array (Series, lists and scalars alike)."""
    return tuple(np.asarray(v, dtype=float) for v in values)
