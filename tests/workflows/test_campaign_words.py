"""The verdict says "caused" exactly when the interval is above zero: at most 5 % of 400
simulated campaigns without an effect, and its figures are the interval's."""

from __future__ import annotations

import datetime as dt

import numpy as np

from segmentation.lift import Interval, interval, mean_difference, proportion_difference
from tests.segmentation.test_lift import HELD_OUT, TREATED, simulate
from workflows.campaign_words import verdict

ENDS = dt.date(2027, 1, 14)


def verdicts(sim: dict[str, np.ndarray]) -> list[str]:
    lifts = proportion_difference(sim["x_t"], TREATED, sim["x_h"], HELD_OUT)
    revenues = mean_difference(
        sim["mean_t"], sim["var_t"], TREATED, sim["mean_h"], sim["var_h"], HELD_OUT
    )
    return [
        verdict(
            interval(lift),
            interval(revenue),
            treated=TREATED,
            detectable=0.055,
            window_ends=ENDS,
            ended=False,
            days=30,
            currency="GBP",
        )  # fmt: skip
        for lift, revenue in zip(zip(*lifts, strict=True), zip(*revenues, strict=True), strict=True)
    ]


def test_caused_is_said_in_at_most_5_percent_without_an_effect():
    said = verdicts(simulate(0.0, seed=2))
    caused = np.mean([v.startswith("The campaign caused") for v in said])
    assert caused <= 0.05
    assert sum(v.startswith("No effect can be seen yet") for v in said) >= 0.9 * len(said)


def test_with_a_planted_effect_caused_follows_the_interval():
    sim = simulate(0.04, seed=1)
    low = proportion_difference(sim["x_t"], TREATED, sim["x_h"], HELD_OUT)[1]
    said = verdicts(sim)
    assert [v.startswith("The campaign caused") for v in said] == list(low > 0)


def test_the_words_carry_the_intervals_figures():
    lift, revenue = Interval(0.041, 0.012, 0.070), Interval(2.5, 0.5, 4.5)
    words = verdict(
        lift, revenue, treated=4960, detectable=0.06, window_ends=ENDS, ended=False, days=30,
        currency=None,
    )  # fmt: skip
    assert words == (
        "The campaign caused +4.1 points in the share who bought within 30 days (95 % CI +1.2 "
        "to +7.0), about 12,400.00 of extra net revenue (95 % CI 2,480.00 to 22,320.00)."
    )
    none = verdict(
        Interval(0.01, -0.02, 0.04), revenue, treated=4960, detectable=0.06, window_ends=ENDS,
        ended=True, days=30, currency=None,
    )  # fmt: skip
    assert none == (
        "No effect can be seen: at this size only a lift over 6.0 points would show; the window "
        "ended on 14 Jan 2027."
    )
