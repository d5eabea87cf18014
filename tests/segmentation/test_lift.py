"""The lift's intervals hold what they claim, on 400 simulated campaigns with seeds fixed, and
the design's detectable lift agrees with a direct power calculation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from segmentation.lift import (
    detectable_lift,
    interval,
    mean_difference,
    proportion_difference,
    split,
    standardised_difference,
    suggested_holdout,
)

CAMPAIGNS = 400
TREATED, HELD_OUT = 4_500, 500  # 5,000 members, a 10 % holdout
BASELINE = 0.20  # the share of the holdout who buy within the window anyway
ORDER_VALUE = 60.0  # mean net revenue of a buyer in the window (gamma, shape 2: skewed)


def simulate(lift: float, seed: int) -> dict[str, np.ndarray]:
    """``CAMPAIGNS`` campaigns at once: per group, buyers and the mean and variance of net
    revenue per customer, with ``lift`` points planted on the treated group's share."""
    rng = np.random.default_rng(seed)
    out = {}
    for group, n, p in (("t", TREATED, BASELINE + lift), ("h", HELD_OUT, BASELINE)):
        bought = rng.random((CAMPAIGNS, n)) < p
        revenue = np.where(bought, rng.gamma(2.0, ORDER_VALUE / 2, (CAMPAIGNS, n)), 0.0)
        out |= {
            f"x_{group}": bought.sum(axis=1),
            f"mean_{group}": revenue.mean(axis=1),
            f"var_{group}": revenue.var(axis=1, ddof=1),
        }
    return out


@pytest.fixture(scope="module")
def planted():
    return simulate(0.04, seed=1)


@pytest.fixture(scope="module")
def null():
    return simulate(0.0, seed=2)


def conversion(sim):
    return proportion_difference(sim["x_t"], TREATED, sim["x_h"], HELD_OUT)


def revenue(sim):
    return mean_difference(
        sim["mean_t"], sim["var_t"], TREATED, sim["mean_h"], sim["var_h"], HELD_OUT
    )


def test_the_conversion_interval_covers_the_planted_lift_in_95_percent(planted):
    diff, low, high = conversion(planted)
    coverage = np.mean((low <= 0.04) & (high >= 0.04))
    assert 0.93 <= coverage <= 0.97, coverage
    assert abs(np.mean(diff) - 0.04) < 0.005  # mean error under half a point


def test_the_revenue_interval_covers_the_planted_lift_in_95_percent(planted):
    truth = 0.04 * ORDER_VALUE  # extra net revenue per treated customer
    diff, low, high = revenue(planted)
    coverage = np.mean((low <= truth) & (truth <= high))
    assert 0.93 <= coverage <= 0.97, coverage
    assert abs(np.mean(diff) - truth) / truth < 0.05


def test_without_an_effect_caused_is_said_in_at_most_5_percent(null):
    _, low, _ = conversion(null)
    _, revenue_low, _ = revenue(null)
    assert np.mean(low > 0) <= 0.05
    assert np.mean(revenue_low > 0) <= 0.05
    assert abs(np.mean(conversion(null)[0])) < 0.005


def test_one_interval_by_hand():
    # 120 of 1,000 against 80 of 1,000: 4 points, se = sqrt(.12*.88/1000 + .08*.92/1000).
    se = math.sqrt(0.12 * 0.88 / 1000 + 0.08 * 0.92 / 1000)
    found = interval(proportion_difference(120, 1000, 80, 1000))
    assert found.estimate == pytest.approx(0.04)
    assert (found.low, found.high) == pytest.approx((0.04 - 1.959964 * se, 0.04 + 1.959964 * se))
    assert found.caused and not found.lowered


def test_welch_agrees_with_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.gamma(2, 30, 300), rng.gamma(2, 25, 60)
    found = interval(mean_difference(a.mean(), a.var(ddof=1), 300, b.mean(), b.var(ddof=1), 60))
    expected = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert (found.low, found.high) == pytest.approx((expected.low, expected.high))


def test_the_detectable_lift_has_80_percent_power():
    treated, held_out = split(5000, 0.1)
    assert (treated, held_out) == (4500, 500)
    lift = detectable_lift(BASELINE, treated, held_out)
    # Power of the read-out's own test at that lift, computed directly: 80 %, give or take
    # what separates the arcsine scale of Cohen's h from the Wald interval (a few points).
    p_t = BASELINE + lift
    se = math.sqrt(p_t * (1 - p_t) / treated + BASELINE * (1 - BASELINE) / held_out)
    assert 0.04 < lift < 0.07
    assert stats.norm.cdf(lift / se - 1.959964) == pytest.approx(0.8, abs=0.04)


def test_a_holdout_too_small_gets_a_larger_one_suggested():
    assert suggested_holdout(BASELINE, 5000, 0.1) == 0.15
    assert suggested_holdout(BASELINE, 5000, 0.3) is None  # shows 5 points already
    assert suggested_holdout(BASELINE, 300, 0.1) is None  # nothing up to half would


def test_standardised_difference():
    assert standardised_difference(np.array([1.0, 3.0]), np.array([1.0, 3.0])) == 0
    assert standardised_difference(np.array([2.0, 4.0]), np.array([0.0, 2.0])) == pytest.approx(
        2 / math.sqrt(2)
    )
