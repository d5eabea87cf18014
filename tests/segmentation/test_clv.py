"""Lifetime value: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma against the published CDNOW
figures, and the guards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad
from scipy.special import gammaln, hyp2f1

from segmentation.clv import (
    ASSUMPTIONS,
    ClvUnavailable,
    frequency_recency_age,
    predict_customers,
    unavailable_reason,
)
from segmentation.clv_data import calibration_summary, read_cdnow
from segmentation.clv_mbg import ModifiedBgNbd, fit_mbgnbd
from segmentation.clv_models import BgNbd, GammaGamma, fit_bgnbd, fit_gamma_gamma
from segmentation.clv_pareto import ParetoNbd, fit_pareto_nbd
from segmentation.errors import ExportError

CDNOW = Path(__file__).resolve().parent.parent / "data" / "CDNOW_sample.txt"
MODEL = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426, converged=True, log_likelihood=0.0)
MBG = ModifiedBgNbd(r=0.525, alpha=6.183, a=0.891, b=1.614, converged=True, log_likelihood=0.0)
PNBD = ParetoNbd(r=0.553, alpha=10.578, s=0.606, beta=11.669, converged=True, log_likelihood=0.0)


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    """CDNOW calibration summary in weeks, to 1997-09-30 (Fader, Hardie & Lee 2005)."""
    data = read_cdnow(CDNOW)
    return calibration_summary(
        data["id"], data["date"], data["value"], calibration_end=dt.date(1997, 9, 30)
    )


def test_cdnow_summary_matches_the_papers_data(cdnow):
    assert len(cdnow) == 2357
    assert int(cdnow["x"].sum()) == 2457  # repeat transactions in the 39 calibration weeks
    assert int((cdnow["x"] > 0).sum()) == 946  # Fader & Hardie 2013's repeat buyers
    first = cdnow.loc[1]  # 1997-01-01, 01-18 and 08-02 in the calibration period
    assert first["x"] == 2
    assert first["t_x"] == pytest.approx(213 / 7)
    assert first["T"] == pytest.approx(272 / 7)
    assert first["mean_repeat_value"] == pytest.approx((29.73 + 14.96) / 2)


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow):
    model = fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert model.converged
    assert model.r == pytest.approx(0.243, rel=0.01)
    assert model.alpha == pytest.approx(4.414, rel=0.01)
    assert model.a == pytest.approx(0.793, rel=0.01)
    assert model.b == pytest.approx(2.426, rel=0.01)
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)  # the paper's LL


def test_mbgnbd_reproduces_batislam_et_al_on_cdnow(cdnow):
    """The MBG/NBD estimates on CDNOW as BTYDplus (Platzer) and lifetimes publish them."""
    model = fit_mbgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert model.converged
    assert (model.r, model.alpha, model.a, model.b) == pytest.approx(
        (0.525, 6.183, 0.891, 1.614), abs=0.0015
    )
    # One more parameter's worth of freedom than BG/NBD at the one-timers: a likelihood as good.
    assert model.log_likelihood == pytest.approx(-9582.1, abs=0.1)


def test_mbgnbd_gradient_is_the_likelihoods_own(cdnow):
    """The hand-worked gradient the fit uses agrees with central differences of the
    log-likelihood, at the CDNOW estimates and at points far from them."""
    from segmentation.clv_mbg import mbgnbd_log_likelihood, mbgnbd_log_likelihood_and_gradient

    x, t_x, T = (cdnow[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    for point in ([0.525, 6.183, 0.891, 1.614], [3.0, 0.2, 5.0, 0.1], [0.05, 80.0, 0.3, 9.0]):
        log_params = np.log(point)
        value, gradient = mbgnbd_log_likelihood_and_gradient(log_params, x, t_x, T)
        assert value == pytest.approx(mbgnbd_log_likelihood(log_params, x, t_x, T), rel=1e-12)
        step = 1e-5
        numeric = [
            (mbgnbd_log_likelihood(log_params + step * e, x, t_x, T)
             - mbgnbd_log_likelihood(log_params - step * e, x, t_x, T)) / (2 * step)
            for e in np.eye(4)
        ]  # fmt: skip
        assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def test_pareto_nbd_reproduces_fader_hardie_lee_2005(cdnow):
    model = fit_pareto_nbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert model.converged
    assert (model.r, model.alpha, model.s, model.beta) == pytest.approx(
        (0.55, 10.58, 0.61, 11.67), rel=0.01
    )
    assert model.log_likelihood == pytest.approx(-9595.0, abs=0.1)  # the paper's LL


def test_mbgnbd_lets_one_time_buyers_drop_out():
    # BG/NBD: a one-time buyer is surely still there, however long silent; MBG/NBD: not.
    assert MODEL.p_alive([0, 0], [0, 0], [10, 70]).tolist() == [1.0, 1.0]
    young, old = MBG.p_alive([0, 0], [0, 0], [10, 70])
    assert 0 < old < young < 1
    r, alpha, a, b = MBG.r, MBG.alpha, MBG.a, MBG.b
    assert young == pytest.approx(1 / (1 + a / b * ((alpha + 10) / alpha) ** r))


def test_mbgnbd_conditional_expectation_of_a_newcomer_is_the_unconditional_one():
    """At T = 0 with no purchase, the conditional expectation (with the drop-out at time zero)
    is E[X(t)] = b/(a-1)·[1 - (α/(α+t))^r·2F1(r, b+1; a+b; t/(α+t))]."""
    t = np.array([1.0, 13, 39, 78])
    assert MBG.expected_purchases(t, 0, 0, 0) == pytest.approx(MBG.expected_purchases_new(t))
    r, alpha, a, b = MBG.r, MBG.alpha, MBG.a, MBG.b
    x, t_x, T, t = 2, 30.43, 38.86, 39
    z = t / (alpha + T + t)
    printed = (
        (a + b + x)
        / (a - 1)
        * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x + 1, a + b + x, z))
    )
    assert MBG.expected_purchases(t, x, t_x, T) == pytest.approx(
        printed * MBG.p_alive(x, t_x, T), rel=1e-9
    )


def test_pareto_nbd_p_alive_agrees_with_the_integrated_likelihood():
    """P(alive) against the likelihood integrated numerically over the moment of dying."""
    r, alpha, s, beta = PNBD.r, PNBD.alpha, PNBD.s, PNBD.beta
    for x, t_x, T in [(0, 0, 38.86), (2, 30.43, 38.86), (2, 5, 38.86), (20, 35, 38.86)]:
        head = np.exp(gammaln(r + x) - gammaln(r)) * alpha**r * beta**s
        alive = head / ((alpha + T) ** (r + x) * (beta + T) ** s)
        dead, _ = quad(
            lambda tau, x=x, head=head: (
                head * s / ((alpha + tau) ** (r + x) * (beta + tau) ** (s + 1))
            ),
            t_x,
            T,
            epsabs=0,
            epsrel=1e-11,
        )
        assert PNBD.p_alive(x, t_x, T) == pytest.approx(alive / (alive + dead), rel=1e-7)
    # Heavy buyers stay finite, and a long silence after a steady rhythm is read as gone.
    heavy = PNBD.p_alive([200, 200], [52, 10], [53, 53])
    assert heavy[0] > 0.9 and heavy[1] < 1e-6


def test_gamma_gamma_reproduces_fader_hardie_2013(cdnow):
    repeat = cdnow[cdnow["x"] > 0]
    model = fit_gamma_gamma(repeat["x"], repeat["mean_repeat_value"])
    assert model.converged
    assert model.p == pytest.approx(6.25, rel=0.01)
    assert model.q == pytest.approx(3.74, rel=0.01)
    assert model.gamma == pytest.approx(15.44, rel=0.01)


def test_p_alive_is_one_without_repeats_and_falls_with_silence():
    # BG/NBD drops customers only right after a purchase: no repeat, no chance to have left.
    assert MODEL.p_alive([0, 0], [0, 0], [1, 50]).tolist() == [1.0, 1.0]
    silent_longer = MODEL.p_alive([3] * 4, [10] * 4, [12, 20, 30, 40])
    assert np.all(np.diff(silent_longer) < 0)
    assert np.all((silent_longer > 0) & (silent_longer < 1))
    # The same age and purchases, the last one more recent: more likely alive.
    assert np.all(np.diff(MODEL.p_alive([3] * 3, [5, 15, 25], [30] * 3)) > 0)


def test_p_alive_matches_the_closed_form():
    r, alpha, a, b = MODEL.r, MODEL.alpha, MODEL.a, MODEL.b
    x, t_x, T = 2, 30.43, 38.86
    expected = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    assert MODEL.p_alive(x, t_x, T) == pytest.approx(expected)


def test_expected_purchases_agrees_with_the_papers_equation_10():
    """The Euler-transformed hyp2f1 gives the same numbers as FHL 2005's eq. 10 as printed."""
    r, alpha, a, b = MODEL.r, MODEL.alpha, MODEL.a, MODEL.b
    x, t_x, T, t = np.array([0, 1, 2, 7]), np.array([0, 2, 30.4, 35]), np.full(4, 38.86), 39
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    paper = head * body * MODEL.p_alive(x, t_x, T)
    assert MODEL.expected_purchases(t, x, t_x, T) == pytest.approx(paper, rel=1e-9)


def test_expected_purchases_grow_with_the_horizon_and_are_finite_for_heavy_buyers():
    horizons = [MODEL.expected_purchases(t, 5, 30, 38) for t in (0, 1, 13, 52)]
    assert horizons[0] == pytest.approx(0)
    assert np.all(np.diff(horizons) > 0)
    heavy = MODEL.expected_purchases(13, [300, 1000], [370, 370], [371, 371])
    assert np.all(np.isfinite(heavy)) and np.all(heavy > 0)


def test_gamma_gamma_shrinks_a_customers_mean_towards_the_population():
    model = GammaGamma(p=6.25, q=3.74, gamma=15.44, converged=True, log_likelihood=0.0)
    assert model.expected_average_value(0, 0) == pytest.approx(model.population_mean)
    few, many = model.expected_average_value([1, 50], [100, 100])
    assert model.population_mean < few < many < 100


def test_frequency_recency_age_from_segbots_table():
    customers = pd.DataFrame(
        {"frequency": [1, 3], "recency_days": [10, 7], "tenure_days": [10, 35]},
        index=pd.Index(["a", "b"], name="customer_id"),
    )
    x, t_x, T = frequency_recency_age(customers, unit_days=7)
    assert x.tolist() == [0, 2]
    assert t_x.tolist() == [0, 4]
    assert T.tolist() == [10 / 7, 5]


def simulated_customers(n: int = 2000, days: int = 365, seed: int = 0) -> pd.DataFrame:
    """Customers drawn from BG/NBD + Gamma-Gamma, in segbot's table shape (days as the unit).

    Steps through purchases for every customer at once: the loop runs over purchase
    number, not over customers.
    """
    rng = np.random.default_rng(seed)
    rate = rng.gamma(2.0, 1 / 40.0, n)  # about one order every 20 days
    drop = rng.beta(1.0, 6.0, n)
    start = rng.uniform(0, days - 1, n)
    tenure = days - start
    last, orders, alive = np.zeros(n), np.ones(n), np.ones(n, bool)
    while alive.any():
        gap = rng.exponential(1 / rate)
        alive &= last + gap < tenure
        last = np.where(alive, last + gap, last)
        orders += alive
        alive &= rng.uniform(size=n) > drop
    mean_value = rng.gamma(6.0, 1 / rng.gamma(3.0, 1 / 15.0, n))
    whole_tenure = np.ceil(tenure)
    return pd.DataFrame(
        {
            "frequency": orders.astype(int),
            "recency_days": (whole_tenure - np.floor(last)).astype(int),
            "tenure_days": whole_tenure.astype(int),
            "average_spend": rng.gamma(6.0 * orders, mean_value / (6.0 * orders)),
        },
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )


def test_predict_customers_returns_a_frame_indexed_like_the_input():
    customers = simulated_customers()
    prediction = predict_customers(customers, horizon_days=90)
    frame = prediction.customers
    assert frame.index.equals(customers.index)
    assert list(frame.columns) == ["p_active", "expected_orders_90d", "expected_value_90d"]
    assert (prediction.orders_column, prediction.value_column) == (
        "expected_orders_90d",
        "expected_value_90d",
    )
    assert frame["p_active"].between(0, 1).all()
    assert (frame["expected_orders_90d"] >= 0).all() and (frame["expected_value_90d"] >= 0).all()
    assert prediction.purchases.converged and prediction.spend.converged
    assert isinstance(prediction.purchases, ModifiedBgNbd)
    # One-time buyers can have left too, and the longer ago, the likelier.
    one_timers = customers[customers["frequency"] == 1]
    p_one = frame.loc[one_timers.index, "p_active"]
    assert (p_one < 1).all()
    assert np.corrcoef(one_timers["recency_days"], p_one)[0, 1] < -0.9
    # Drawn with rates ~ Gamma(2, 40 days): r should come back near 2.
    assert prediction.purchases.r == pytest.approx(2.0, rel=0.3)
    baseline = predict_customers(customers, fit=fit_bgnbd)
    assert isinstance(baseline.purchases, BgNbd)
    assert (baseline.customers.loc[one_timers.index, "p_active"] == 1).all()


def test_predict_customers_on_the_real_export(real_result):
    prediction = predict_customers(real_result.customers)
    frame = prediction.customers
    assert len(frame) == len(real_result.customers) == 4338
    assert frame.notna().all().all()
    # Customers who have not ordered for most of the year are less likely still active.
    recent = real_result.customers["recency_days"] < 30
    assert frame.loc[recent, "p_active"].mean() > frame.loc[~recent, "p_active"].mean()


def test_too_few_repeat_buyers_is_said_plainly():
    customers = simulated_customers(n=400)
    customers["frequency"] = 1
    customers.iloc[:25, customers.columns.get_loc("frequency")] = 2
    reason = unavailable_reason(customers)
    assert reason is not None and "only 25 of 400 customers ordered more than once" in reason
    with pytest.raises(ClvUnavailable, match="only 25 of 400") as raised:
        predict_customers(customers)
    assert isinstance(raised.value, ExportError)


def test_a_small_share_of_repeat_buyers_is_too_few():
    customers = simulated_customers(n=1000)
    customers["frequency"] = 1
    customers.iloc[:60, customers.columns.get_loc("frequency")] = 3  # 60 buyers, but 6 %
    assert "only 60 of 1,000" in unavailable_reason(customers)


def test_too_short_a_history_is_said_plainly():
    customers = simulated_customers(n=300)
    customers["tenure_days"] = customers["tenure_days"] % 20 + 1
    customers["recency_days"] = np.minimum(customers["recency_days"], customers["tenure_days"])
    reason = unavailable_reason(customers)
    assert reason is not None and "the orders span only" in reason and "4 weeks" in reason
    with pytest.raises(ClvUnavailable, match="longer history"):
        predict_customers(customers)


def test_a_fit_that_does_not_converge_is_said_plainly():
    stuck = ModifiedBgNbd(r=1, alpha=1, a=1, b=1e5, converged=False, log_likelihood=-1.0)
    with pytest.raises(ClvUnavailable, match="how often customers buy.*did not settle"):
        predict_customers(simulated_customers(n=500), fit=lambda *_: stuck)


def test_the_assumptions_are_one_plain_sentence():
    assert ASSUMPTIONS.count(". ") == 0 and ASSUMPTIONS.endswith(".")
    assert "silently drop out" in ASSUMPTIONS
