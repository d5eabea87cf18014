"""The predictions' check on the export's own history: the held-out stretch the engine measures,
the back-test's rules and sentences, and its figures on CDNOW and the real data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from segmentation.clv import ClvUnavailable, predict_customers
from segmentation.clv_check import Backtest, backtest, checked_predictions, long_silent
from segmentation.clv_data import cdnow_csv, read_cdnow
from segmentation.clv_models import fit_bgnbd
from segmentation.engine import prepare_frame
from segmentation.engine.prepared import check_start
from segmentation.load import load_export

CDNOW = Path(__file__).resolve().parent.parent / "data" / "CDNOW_sample.txt"
PASSING = Backtest(
    start=dt.date(1998, 4, 2),
    days=90,
    customers=2349,
    predicted_orders=595.1,
    orders=491,
    predicted_revenue=21713.6,
    revenue=17792.57,
    mae=0.269,
    naive_mae=0.334,
    gone=1669,
    gone_reordered=0.0455,
    others_reordered=0.328,
    silent=1587,
    silent_sure=0,
)


@pytest.fixture(scope="module")
def cdnow_prepared():
    return prepare_frame(load_export(cdnow_csv(CDNOW), name="cdnow.csv").transactions)


def test_the_stretch_held_out_is_the_horizon_or_a_third_of_a_short_history():
    first = pd.Timestamp("2010-12-01 08:26")
    assert check_start(first, dt.date(2011, 12, 10)) == dt.date(2011, 9, 11)  # 90 days
    assert check_start(first, dt.date(2011, 4, 1)) == dt.date(2011, 4, 1) - dt.timedelta(40)
    assert check_start(first, dt.date(2011, 2, 22)) is None  # 83 days: a third is under 4 weeks


def test_the_engine_measures_the_customers_as_they_were_and_what_came_after():
    lines = [
        "customer,date,amount",
        "a,2023-01-01,10",
        "a,2023-02-01,20",
        "a,2023-03-25,30",
        "a,2023-04-30,40",
        "b,2023-03-21,5",
        "c,2023-03-22,7",  # first bought on the stretch's first day: not in the check
    ]
    prepared = prepare_frame(load_export("\n".join(lines).encode(), name="x.csv").transactions)
    holdout = prepared.holdout
    # 120 days from 2023-01-01 to the as-of 2023-05-01: the last third, 40 days, is held out.
    assert (holdout.start, holdout.end, holdout.days) == (dt.date(2023, 3, 22), prepared.as_of, 40)
    expected = pd.DataFrame(
        {
            "recency_days": [49, 1],
            "frequency": [2, 1],
            "total_spend": [30.0, 5.0],
            "tenure_days": [80, 1],
            "held_orders": [2, 0],
            "held_spend": [70.0, 0.0],
        },
        index=pd.Index(["a", "b"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(holdout.customers[expected.columns], expected)


def test_the_held_out_customers_are_the_features_measured_to_the_stretchs_start(real_path):
    real_export = load_export(real_path)
    prepared = prepare_frame(real_export.transactions)
    holdout = prepared.holdout
    assert (holdout.start, holdout.end) == (dt.date(2011, 9, 11), dt.date(2011, 12, 10))
    then = prepare_frame(real_export.transactions, as_of=holdout.start).customers
    pd.testing.assert_frame_equal(
        holdout.customers[["recency_days", "frequency", "tenure_days"]],
        then[["recency_days", "frequency", "tenure_days"]],
    )
    held = prepared.customers["frequency"].reindex(then.index) - then["frequency"]
    assert holdout.customers["held_orders"].equals(held)
    assert int(held.sum()) == 5063


def test_cdnow_held_out_orders_are_the_purchase_days_after_the_start(cdnow_prepared):
    """491: distinct (customer, day) from 1998-04-02 on, of customers who had bought before."""
    data = read_cdnow(CDNOW)
    data = data[data["value"] > 0]
    before = set(data.loc[data["date"] < "1998-04-02", "id"])
    after = data[(data["date"] >= "1998-04-02") & data["id"].isin(before)]
    assert len(after[["id", "date"]].drop_duplicates()) == 491
    assert cdnow_prepared.holdout.customers["held_orders"].sum() == 491


def test_the_modified_model_holds_on_cdnow_and_bgnbd_cannot_tell_who_stopped(cdnow_prepared):
    modified = backtest(cdnow_prepared.holdout)
    assert (modified.customers, modified.orders, round(modified.predicted_orders)) == (
        2349,
        491,
        595,
    )
    assert (modified.gone, round(modified.gone_reordered, 3)) == (1669, 0.046)
    assert round(modified.others_reordered, 3) == 0.328
    assert modified.mae < modified.naive_mae
    assert modified.failure() is None
    # BG/NBD never lets a one-time buyer go: those it calls gone re-order as often as the rest.
    plain = backtest(cdnow_prepared.holdout, fit=fit_bgnbd)
    assert (plain.gone, round(plain.gone_reordered, 3), round(plain.others_reordered, 3)) == (
        384,
        0.102,
        0.132,
    )
    assert (
        "cannot tell who has stopped buying" in replace(plain, predicted_revenue=17792.57).failure()
    )


def test_the_shown_fit_calls_no_long_silent_cdnow_customer_almost_surely_active(cdnow_prepared):
    customers = cdnow_prepared.customers
    _, check = checked_predictions(customers, cdnow_prepared.holdout)
    silent = long_silent(customers)
    assert check.silent == int(silent.sum()) == 1587
    assert check.silent_sure == 0
    # Under BG/NBD most of them are: every one-time buyer gets a chance of 1.
    p_active = predict_customers(customers, fit=fit_bgnbd).customers["p_active"].to_numpy()
    sure = int((silent & (p_active >= 0.9)).sum())
    assert sure > 0.5 * check.silent
    failure = replace(PASSING, silent=check.silent, silent_sure=sure).failure()
    assert failure.startswith(f"The model contradicts this export's lifecycle: it calls {sure:,}")


def test_long_silent_reads_each_customers_own_rhythm():
    customers = pd.DataFrame(
        {
            # Every 10 days, silent 41 (over 4 gaps); every 10 days, silent 40; every 100
            # days, silent 200; a one-time buyer silent 300 days against a typical gap of 30.
            "frequency": [3, 3, 2, 1, 4],
            "recency_days": [41, 40, 200, 300, 10],
            "tenure_days": [61, 60, 300, 300, 100],
        }
    )
    # Typical gap = median of 10, 10, 100, 30 = 20 days: one-time buyers lapse after 80.
    assert long_silent(customers).tolist() == [True, False, False, True, False]


def test_each_rule_is_said_in_one_sentence_with_its_figures():
    assert PASSING.failure() is None
    assert PASSING.sentence() == (
        "Checked on this export: fitted to 1998-04-01, it predicted 595 orders in the next 90 "
        "days; 491 came (21% high), and 5% of the 1,669 customers it called likely gone ordered "
        "again, against 33% of the others."
    )
    assert replace(PASSING, predicted_orders=350.0).failure() == (
        "Checked on this export's own history, the model is off by more than a quarter: fitted to 1998-04-01, it "
        "predicted 350 orders in the next 90 days; 491 came (29% low)."
    )
    assert replace(PASSING, predicted_revenue=9000.0).failure() == (
        "Checked on this export's own history, the model is off by more than a quarter: fitted to 1998-04-01, it "
        "predicted 9,000 in sales for the next 90 days; 17,793 came (49% low)."
    )
    assert replace(PASSING, mae=0.4).failure() == (
        "Checked on this export's own history, the model does no better than each customer's "
        "past rate: fitted to 1998-04-01, it missed each customer's orders in the next 90 days "
        "by 0.40 on average, against 0.33 for the past rate."
    )
    assert replace(PASSING, gone_reordered=0.2).failure() == (
        "Checked on this export's own history, the model cannot tell who has stopped buying: "
        "20% of the 1,669 customers it called likely gone ordered again, against 33% of the "
        "others."
    )
    assert replace(PASSING, silent_sure=200).failure() == (
        "The model contradicts this export's lifecycle: it calls 200 of the 1,587 customers "
        "silent for over 4 of their usual gaps between orders almost surely active (a chance "
        "of 90% or more)."
    )
    # Too few called gone to compare: the rule is not applied, nor said.
    few = replace(PASSING, gone=9, gone_reordered=0.3)
    assert few.failure() is None and "likely gone" not in few.sentence()
    assert replace(PASSING, orders=0).failure().endswith("; none came.")


def test_a_history_too_short_to_hold_out_gives_the_plain_reason(real_path):
    """The real data's first 80 days: a third is under 4 weeks, so nothing is held out."""
    transactions = load_export(real_path).transactions
    first = transactions[transactions["timestamp"] < "2011-02-19"]
    prepared = prepare_frame(first)
    assert prepared.holdout is None and prepared.as_of == dt.date(2011, 2, 19)
    with pytest.raises(ClvUnavailable) as raised:
        checked_predictions(prepared.customers, prepared.holdout)
    assert str(raised.value) == (
        "The predictions could not be checked: the history covers only 80 days, and at least "
        "12 weeks are needed to fit on the first two thirds and compare the last third with "
        "what the model predicts for it."
    )
