"""The Pareto/NBD model, fitted by maximum likelihood (scipy), vectorised.

Schmittlein, Morrison & Colombo (1987); the likelihood and expressions as in Fader, Hardie &
Lee (2005), "A note on deriving the Pareto/NBD model and related expressions". While alive a
customer buys at a personal Poisson rate λ ~ Gamma(r, α) and has an exponential lifetime
with a personal rate μ ~ Gamma(s, β): they can drop out at any moment, so silence makes a
customer, one-time buyers included, steadily less likely to still be there.

Inputs are BG/NBD's: x repeat purchases, t_x the time of the last purchase since the first, T
the customer's age. On the CDNOW sample the fit gives r = 0.55, α = 10.58, s = 0.61,
β = 11.67 (Fader, Hardie & Lee 2005).

The likelihood's Gauss hypergeometric terms 2F1(r+s+x, ·; r+s+x+1; z) are evaluated after
Euler's transformation, as (1-z)^(1-·)·2F1(1, ·; r+s+x+1; z): the big power comes out as a
logarithm and hyp2f1 is left with a first argument of 1, where it is accurate for heavy buyers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, hyp2f1

from segmentation.clv_models import arrays, fit_by_likelihood


@dataclass(frozen=True)
class ParetoNbd:
    """A fitted Pareto/NBD model; times are in the unit the model was fitted in."""

    r: float
    alpha: float
    s: float
    beta: float
    converged: bool
    log_likelihood: float

    def p_alive(self, x, t_x, T) -> np.ndarray:
        """P(the customer is still alive at T | x, t_x, T): the alive term's share of the
        likelihood (FHL 2005 note, eq. 18)."""
        x, t_x, T = arrays(x, t_x, T)
        alive, whole = _log_terms(self.r, self.alpha, self.s, self.beta, x, t_x, T)
        return np.exp(alive - whole)

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """Expected purchases in the next ``t`` units given (x, t_x, T) (FHL 2005 note, eq. 20)."""
        x, t_x, T = arrays(x, t_x, T)
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        if abs(s - 1) < 1e-9:  # the formula is 0/0 at s = 1; its limit is met a hair away
            s = 1 + 1e-9
        alive_mean = (
            (r + x) * (beta + T) / ((alpha + T) * (s - 1))
            * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
        )  # fmt: skip
        return alive_mean * self.p_alive(x, t_x, T)


def _log_terms(r, alpha, s, beta, x, t_x, T) -> tuple[np.ndarray, np.ndarray]:
    """log of the likelihood's alive term and of the whole likelihood, per customer."""
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = head - (r + x) * np.log(alpha + T) - s * np.log(beta + T)
    # The dead term integrates the chance of dying between t_x and T: F(t_x) − F(T) below.
    if alpha >= beta:
        big, gap, second = alpha, alpha - beta, s + 1
    else:
        big, gap, second = beta, beta - alpha, r + x
    early = _log_f(r + s + x, second, gap / (big + t_x)) - (r + s + x) * np.log(big + t_x)
    late = _log_f(r + s + x, second, gap / (big + T)) - (r + s + x) * np.log(big + T)
    # t_x = T gives F(t_x) = F(T): no time to have died unseen, a dead term of zero.
    with np.errstate(divide="ignore"):
        span = early + np.log(-np.expm1(np.minimum(late - early, 0.0)))
    dead = head + np.log(s / (r + s + x)) + span
    return alive, np.logaddexp(alive, dead)


def _log_f(a, b, z) -> np.ndarray:
    """log 2F1(a, b; a+1; z) through Euler's transformation (1-z)^(1-b)·2F1(1, a+1-b; a+1; z)."""
    return (1 - b) * np.log1p(-z) + np.log(hyp2f1(1.0, a + 1 - b, a + 1, z))


def pareto_nbd_log_likelihood(log_params, x, t_x, T, weights=None) -> float:
    """Sum of the Pareto/NBD log-likelihood at exp(log_params) = (r, α, s, β)."""
    r, alpha, s, beta = np.exp(log_params)
    x, t_x, T = arrays(x, t_x, T)
    _, per_row = _log_terms(r, alpha, s, beta, x, t_x, T)
    return float(np.sum(per_row if weights is None else per_row * weights))


def fit_pareto_nbd(x, t_x, T) -> ParetoNbd:
    """Fit Pareto/NBD by maximum likelihood (inputs as ``clv_models.fit_bgnbd``).

    ``converged`` is False when the optimiser failed or a parameter ran to the edge.
    """
    # Both scales start near the mean age: about one purchase and one lifetime per history.
    (r, alpha, s, beta), loglik, ok = fit_by_likelihood(
        pareto_nbd_log_likelihood, x, t_x, T, scales=(False, True, False, True)
    )
    return ParetoNbd(float(r), float(alpha), float(s), float(beta), ok, loglik)
