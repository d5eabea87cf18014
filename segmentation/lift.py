"""What a campaign with a random holdout can detect, and the lift it caused.

Pure numbers, vectorised (scalars or numpy arrays alike): the difference of two proportions
(who bought within the window) with its 95 % interval, Welch's interval for the difference of
two means (net revenue per customer), the smallest lift a design can show (the two-sided
normal power of two proportions, solved with scipy as statsmodels' ``NormalIndPower`` solves
it: they agree to 3e-7 in Cohen's h), and the standardised difference that says whether two
groups started alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

CONFIDENCE = 0.95
POWER = 0.8
# A lift in the share who buy that a campaign can plausibly cause: a design that cannot show
# this much gets a suggestion for a larger holdout.
PLAUSIBLE_LIFT = 0.05
# Groups whose figures before the start differ by more than this many pooled standard
# deviations are said to start unalike (the usual rule for balance after randomisation).
IMBALANCE_SMD = 0.1
HOLDOUTS_TRIED = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)


@dataclass(frozen=True)
class Interval:
    """A difference (treated minus holdout) and its 95 % interval."""

    estimate: float
    low: float
    high: float

    @property
    def caused(self) -> bool:
        """The whole interval is above zero: the lift shows at 95 % confidence."""
        return self.low > 0

    @property
    def lowered(self) -> bool:
        return self.high < 0


def proportion_difference(x_t, n_t, x_h, n_h, *, confidence: float = CONFIDENCE):
    """``(difference, low, high)`` of ``x_t/n_t - x_h/n_h``: the Wald interval, each group's
    own variance (no pooling: the groups may differ, that is the question)."""
    p_t, p_h = np.asarray(x_t) / n_t, np.asarray(x_h) / n_h
    se = np.sqrt(p_t * (1 - p_t) / n_t + p_h * (1 - p_h) / n_h)
    z = stats.norm.ppf(0.5 + confidence / 2)
    diff = p_t - p_h
    return diff, diff - z * se, diff + z * se


def mean_difference(mean_t, var_t, n_t, mean_h, var_h, n_h, *, confidence: float = CONFIDENCE):
    """``(difference, low, high)`` of two means by Welch: unequal variances, Welch-Satterthwaite
    degrees of freedom (``var_*`` are sample variances, ddof=1)."""
    a, b = np.asarray(var_t) / n_t, np.asarray(var_h) / n_h
    se = np.sqrt(a + b)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (a + b) ** 2 / (a**2 / (n_t - 1) + b**2 / (n_h - 1))
    df = np.where(np.isfinite(df), df, np.minimum(n_t, n_h) - 1)  # both variances zero
    t = stats.t.ppf(0.5 + confidence / 2, df)
    diff = np.asarray(mean_t) - np.asarray(mean_h)
    return diff, diff - t * se, diff + t * se


def interval(triple) -> Interval:
    """One ``Interval`` from a scalar ``(difference, low, high)``."""
    return Interval(*(float(v) for v in triple))


def detectable_lift(baseline: float, treated: int, held_out: int) -> float:
    """The smallest rise of the share who buy (from ``baseline``, as a fraction) that groups of
    these sizes show at 95 % confidence with 80 % power (two-sided, Cohen's h turned back into
    points of the share); 1 - baseline when even the largest rise would not show."""
    z = stats.norm.ppf(1 - (1 - CONFIDENCE) / 2)
    scale = math.sqrt(treated * held_out / (treated + held_out))  # the groups' effective size

    def power_short(h: float) -> float:  # power at effect size h, less the power wanted
        return stats.norm.cdf(h * scale - z) + stats.norm.cdf(-h * scale - z) - POWER

    h = optimize.brentq(power_short, 0.0, 40.0, xtol=1e-12)  # h ≤ π; 40 brackets any size
    angle = 2 * math.asin(math.sqrt(baseline)) + float(h)
    if angle >= math.pi:
        return 1 - baseline
    return math.sin(angle / 2) ** 2 - baseline


def suggested_holdout(baseline: float, members: int, holdout: float) -> float | None:
    """A larger holdout share that would show ``PLAUSIBLE_LIFT``, when ``holdout`` cannot;
    None when ``holdout`` can, or when no holdout up to half the members can."""
    if detectable_lift(baseline, *split(members, holdout)) <= PLAUSIBLE_LIFT:
        return None
    for share in HOLDOUTS_TRIED:
        if share > holdout and detectable_lift(baseline, *split(members, share)) <= PLAUSIBLE_LIFT:
            return share
    return None


def split(members: int, holdout: float) -> tuple[int, int]:
    """``(treated, held_out)`` sizes of ``members`` with a ``holdout`` share (at least 1 each)."""
    held_out = min(max(round(members * holdout), 1), members - 1)
    return members - held_out, held_out


def standardised_difference(a: np.ndarray, b: np.ndarray) -> float:
    """``(mean(a) - mean(b))`` over the pooled standard deviation; 0 when both are constant."""
    spread = (
        math.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2) if min(len(a), len(b)) > 1 else 0
    )
    return 0.0 if spread == 0 else float((np.mean(a) - np.mean(b)) / spread)
