"""The modified BG/NBD model (MBG/NBD), fitted by maximum likelihood (scipy), vectorised.

Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models for
customer base analysis", International Journal of Research in Marketing 24(3). As in BG/NBD a
customer buys at a personal Poisson rate λ ~ Gamma(r, α) and may drop out with a personal
probability p ~ Beta(a, b); but the chance to drop out comes at time zero as well as after each
repeat purchase. So a customer who never came back can have left, and the longer they have been
silent the likelier it is; BG/NBD gives every such customer a chance of 1 of still being there.

Inputs are BG/NBD's: x repeat purchases, t_x the time of the last purchase since the first, T
the customer's age, in one time unit. On the CDNOW sample the fit gives r = 0.525, α = 6.183,
a = 0.891, b = 1.614 (Batislam et al.'s estimates as reproduced by BTYDplus and lifetimes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from segmentation.clv_models import arrays, fit_by_likelihood


@dataclass(frozen=True)
class ModifiedBgNbd:
    """A fitted MBG/NBD model; times are in the unit the model was fitted in."""

    r: float
    alpha: float
    a: float
    b: float
    converged: bool
    log_likelihood: float

    def p_alive(self, x, t_x, T) -> np.ndarray:
        """P(the customer has not dropped out by T), per customer (Batislam et al., eq. 4)."""
        x, t_x, T = arrays(x, t_x, T)
        return 1.0 / (1.0 + self._odds_dead(x, t_x, T))

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """Expected purchases in the next ``t`` units given (x, t_x, T) (Batislam et al., eq. 5).

        The paper's 2F1(r+x, b+x+1; a+b+x; z) is rewritten with Euler's transformation as
        (1-z)^(a-1-r-x)·2F1(a+b-r, a-1; a+b+x; z), so frequent buyers stay in hyp2f1's
        accurate range (as for BG/NBD in ``clv_models``).
        """
        x, t_x, T = arrays(x, t_x, T)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        if abs(a - 1) < 1e-9:  # the formula is 0/0 at a = 1; its limit is met a hair away
            a = 1 + 1e-9
        one_minus_z = (alpha + T) / (alpha + T + t)
        z = t / (alpha + T + t)
        tail = one_minus_z ** (a - 1) * hyp2f1(a + b - r, a - 1, a + b + x, z)
        alive_mean = (a + b + x) / (a - 1) * (1 - tail)
        return alive_mean / (1.0 + self._odds_dead(x, t_x, T))

    def expected_purchases_new(self, t) -> np.ndarray:
        """Expected repeat purchases of a new customer in their first ``t`` units."""
        (t,) = arrays(t)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = t / (alpha + t)
        return b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b + 1, a + b, z))

    def _odds_dead(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        ratio = np.exp((self.r + x) * np.log((self.alpha + T) / (self.alpha + t_x)))
        return self.a / (self.b + x) * ratio


def mbgnbd_log_likelihood(log_params, x, t_x, T, weights=None) -> float:
    """Sum of the MBG/NBD log-likelihood at exp(log_params) = (r, α, a, b)."""
    r, alpha, a, b = np.exp(log_params)
    x, t_x, T = arrays(x, t_x, T)
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive = betaln(a, b + x + 1) - (r + x) * np.log(alpha + T)
    dead = betaln(a + 1, b + x) - (r + x) * np.log(alpha + t_x)
    per_row = head + np.logaddexp(alive, dead)
    return float(np.sum(per_row if weights is None else per_row * weights))


def mbgnbd_log_likelihood_and_gradient(
    log_params, x, t_x, T, weights=None
) -> tuple[float, np.ndarray]:
    """``mbgnbd_log_likelihood`` and its gradient in the log-parameters, worked out by hand:
    the optimiser then needs one evaluation per step instead of five."""
    r, alpha, a, b = np.exp(log_params)
    x, t_x, T = arrays(x, t_x, T)
    w = np.ones_like(x) if weights is None else weights
    log_alive, log_dead = np.log(alpha + T), np.log(alpha + t_x)
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive = betaln(a, b + x + 1) - (r + x) * log_alive
    dead = betaln(a + 1, b + x) - (r + x) * log_dead
    both = np.logaddexp(alive, dead)
    value = float(np.sum((head + both) * w))
    # The two branches' shares of the likelihood: each weighs its own derivatives.
    p_alive, p_dead = np.exp(alive - both), np.exp(dead - both)
    psi_all = digamma(a + b + x + 1)
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - p_alive * log_alive - p_dead * log_dead
    d_alpha = r / alpha - (r + x) * (p_alive / (alpha + T) + p_dead / (alpha + t_x))
    d_a = (
        digamma(a + b) - digamma(a)
        + p_alive * (digamma(a) - psi_all) + p_dead * (digamma(a + 1) - psi_all)
    )  # fmt: skip
    d_b = (
        digamma(a + b) - digamma(b)
        + p_alive * (digamma(b + x + 1) - psi_all) + p_dead * (digamma(b + x) - psi_all)
    )  # fmt: skip
    per_parameter = np.array([np.sum(d * w) for d in (d_r, d_alpha, d_a, d_b)])
    return value, per_parameter * np.array([r, alpha, a, b])  # d/d log θ = θ · d/dθ


def fit_mbgnbd(x, t_x, T) -> ModifiedBgNbd:
    """Fit MBG/NBD by maximum likelihood (inputs as ``clv_models.fit_bgnbd``).

    ``converged`` is False when the optimiser failed or a parameter ran to the edge.
    """
    (r, alpha, a, b), loglik, ok = fit_by_likelihood(
        mbgnbd_log_likelihood_and_gradient, x, t_x, T, scales=(False, True, False, False),
        with_gradient=True,
    )  # fmt: skip
    return ModifiedBgNbd(float(r), float(alpha), float(a), float(b), ok, loglik)
