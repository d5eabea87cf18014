"""The verdict says "caused" exactly when the interval is above zero: at most 5 % of 400
simulated campaigns without an effect, and its figures are the interval's."""

from __future__ import annotations

import datetime as dt

import numpy as np

from segmentation.lift import (
    Interval,
    detectable_lift,
    interval,
    mean_difference,
    proportion_difference,
    split,
)
from storage import Campaign
from tests.segmentation.test_lift import HELD_OUT, TREATED, simulate
from workflows.campaign_words import power_sentence, verdict

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


def campaign(members: int, holdout: float, baseline: float = 0.2) -> Campaign:
    treated, held_out = split(members, holdout)
    return Campaign(
        id=1, team_id="T1", channel_id="C1", created_at="2027-01-01T00:00:00+00:00",
        name="spring", run_id=1, dataset_id=1, line=1, source=None, segment=0,
        segment_name="Loyal", state=None, holdout=holdout, window_days=30, seed=0,
        start="2027-01-01", members=members, treated=treated, held_out=held_out,
        baseline=baseline, detectable_lift=detectable_lift(baseline, treated, held_out),
        created_by="U1",
    )  # fmt: skip


def test_what_a_campaign_can_detect_and_a_larger_holdout_when_too_small():
    assert power_sentence(campaign(40_000, 0.1)) == (
        "With 40,000 customers and a 10 % holdout, a lift of 1.9 points or more in the share "
        "who buy within 30 days would show at 95 % confidence with 80 % power."
    )
    small = power_sentence(campaign(5_000, 0.1))
    assert small.endswith("A 15 % holdout would show 4.6 points.")
    tiny = power_sentence(campaign(300, 0.1))
    assert tiny.endswith(
        "even holding out half, only 14.3 points would show; a larger segment would tell more."
    )
