"""Lifetime-value predictions wired into a run: per customer, per segment, in the summary,
the report, the strategies and the digest's revenue at risk, on CDNOW where they pass the
check on the export's own history; and a plain reason without them (the real Online Retail
data, where they fail it)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.render.digest import risk_line
from bot.render.lookups import customer_text
from cli.text import text_summary
from segmentation.clv import ASSUMPTIONS
from segmentation.clv_data import cdnow_csv
from segmentation.facts import LIKELY_GONE, PREDICTED, has_predictions
from segmentation.load import load_export
from segmentation.movement import GONE_NOW, INTO_LAPSING, NEWLY_GONE, movement
from segmentation.pipeline import segment_export
from segmentation.report import report_markdown, segments_csv
from segmentation.summary import NOT_PREDICTED, RunSummary
from segmentation.wording import SHORT_ASSUMPTIONS, facts_line, prediction_sentence
from storage import CustomerRow

CDNOW = Path(__file__).resolve().parent.parent / "data" / "CDNOW_sample.txt"


@pytest.fixture(scope="module")
def cdnow_result():
    """The CDNOW sample (2,357 customers' CD purchases, 1997-01 to 1998-06) segmented."""
    return segment_export(load_export(cdnow_csv(CDNOW), name="cdnow.csv"))


@pytest.fixture(scope="module")
def one_timers():
    """A tiny export in which nobody came back: 40 customers, one order each over 80 days."""
    lines = ["customer,date,quantity,price"]
    lines += [f"c{i},2023-01-{1 + i % 28:02d},1,{10 + i}" for i in range(20)]
    lines += [f"d{i},2023-03-{1 + i % 20:02d},2,{5 + i}" for i in range(20)]
    return segment_export(load_export("\n".join(lines).encode(), name="tiny.csv"), k=2)


def test_the_real_data_gets_no_predictions_and_the_checks_figures(real_result):
    """Fitted to 2011-09-10, the model expects 3,659 orders in the 90 days to 2011-12-09 and
    5,063 came (the Christmas season): more than a quarter off, so nothing is shown."""
    summary, customers = real_result.summary, real_result.customers
    assert not summary.predicted and summary.prediction_check is None
    assert summary.predictions == (
        "Checked on this export's own history, the model is off by more than a quarter: fitted to 2011-09-10, it "
        "predicted 3,659 orders in the next 90 days; 5,063 came (28% low)."
    )
    assert customers[list(PREDICTED)].isna().all().all()
    assert prediction_sentence(summary).startswith(
        "Predictions are left out: checked on this export's own history, the model is off by"
    )
    for s in summary.segments:
        assert (s.facts.likely_gone, s.facts.expected_revenue_90d) == (None, None)
        assert "likely gone" not in " ".join(s.strategies)


def test_cdnow_gets_sane_predictions(cdnow_result):
    customers, summary = cdnow_result.customers, cdnow_result.summary
    assert list(customers.columns[-7:-4]) == list(PREDICTED)
    assert customers[list(PREDICTED)].notna().all().all()
    assert customers["p_active"].between(0, 1).all()
    assert (customers["expected_orders_90d"] >= 0).all()
    assert (customers["expected_value_90d"] >= 0).all()
    assert summary.predictions is None and summary.predicted
    assert summary.expected_revenue_90d == pytest.approx(
        customers["expected_value_90d"].sum(), abs=0.01
    )
    # 17,793 dollars came in the last 90 days of the data: the same order of size.
    assert 10_000 < summary.expected_revenue_90d < 30_000
    assert summary.prediction_check == (
        "Checked on this export: fitted to 1998-04-01, it predicted 595 orders in the next 90 "
        "days; 491 came (21% high), and 5% of the 1,669 customers it called likely gone "
        "ordered again, against 33% of the others."
    )


def test_segment_facts_add_up_to_the_customers(cdnow_result):
    customers = cdnow_result.customers
    gone = customers["p_active"] < LIKELY_GONE
    net = customers["total_spend"] - customers["returns_value"]
    facts = [s.facts for s in cdnow_result.summary.segments]
    assert sum(f.likely_gone for f in facts) == int(gone.sum())
    assert sum(f.likely_gone_revenue for f in facts) == pytest.approx(net[gone].sum(), abs=0.1)
    assert sum(f.expected_revenue_90d for f in facts) == pytest.approx(
        cdnow_result.summary.expected_revenue_90d, abs=0.1
    )
    for f in facts:
        assert type(f).from_json(f.to_json()) == f


def test_the_sentence_is_the_same_everywhere(cdnow_result):
    summary = cdnow_result.summary
    sentence = prediction_sentence(summary)
    assert sentence.startswith("Predicted for the next 90 days: ")
    # The prediction, then how it was checked: two sentences.
    assert sentence.count(". ") == 1 and sentence.endswith(summary.prediction_check)
    assert ASSUMPTIONS.lower().startswith(SHORT_ASSUMPTIONS[:60])
    assert sentence in text_summary(summary)
    assert sentence in report_markdown(cdnow_result, [])
    line = facts_line(summary.segments[0].facts, summary)
    assert "likely gone (" in line and "expected in 90 days" in line


def test_win_back_leads_with_who_is_likely_gone(cdnow_result):
    texts = [
        text
        for s in cdnow_result.summary.segments
        for key, text in zip(s.strategy_keys, s.strategies, strict=True)
        if key == "win_back"
    ]
    assert texts
    for text in texts:
        assert "are likely gone (chance of still being active under 50%): win-back now" in text
        assert "at risk or lapsed" in text


def test_the_csv_carries_the_predictions(cdnow_result):
    rows = list(csv.DictReader(io.StringIO(segments_csv(cdnow_result))))
    first = cdnow_result.customers.iloc[0]
    assert float(rows[0]["p_active"]) == pytest.approx(first["p_active"], abs=5e-4)
    assert float(rows[0]["expected_value_90d"]) == pytest.approx(
        first["expected_value_90d"], abs=5e-3
    )


def test_no_repeat_buyers_gives_the_plain_reason_and_no_crash(one_timers):
    summary, customers = one_timers.summary, one_timers.customers
    assert len(customers) == 40 and summary.k == 2
    assert customers[list(PREDICTED)].isna().all().all()
    assert summary.predictions.startswith("Lifetime value needs customers who came back")
    assert "only 0 of 40 customers" in summary.predictions
    assert summary.expected_revenue_90d is None and not summary.predicted
    sentence = prediction_sentence(summary)
    assert sentence.startswith("Predictions are left out: lifetime value needs customers")
    for s in summary.segments:
        assert (s.facts.likely_gone, s.facts.expected_revenue_90d) == (None, None)
        assert "likely gone" not in facts_line(s.facts, summary)
        assert "likely gone" not in " ".join(s.strategies)
    rows = list(csv.DictReader(io.StringIO(segments_csv(one_timers))))
    assert {r["p_active"] for r in rows} == {""} and {r["expected_value_90d"] for r in rows} == {""}
    assert RunSummary.from_json(summary.to_json()) == summary


def test_a_summary_stored_before_predictions_says_so(real_result):
    data = real_result.summary.to_json()
    del data["predictions"], data["expected_revenue_90d"]
    old = RunSummary.from_json(data)
    assert old.predictions == NOT_PREDICTED and not old.predicted
    assert prediction_sentence(old) == f"Predictions are left out: {NOT_PREDICTED}"


def test_customer_lookup_says_what_is_expected(real_result):
    segment = real_result.summary.segments[0]
    row = CustomerRow(
        customer_id="12347", segment=0, recency_days=3, frequency=7, average_spend=615.7,
        total_spend=4310.0, returns_value=0.0, p_active=0.874, expected_orders_90d=1.43,
        expected_value_90d=312.4,
    )  # fmt: skip
    text = customer_text("12347", segment, row, "GBP")
    assert text.endswith(
        "Likely still active: 87% · expected 1.4 orders worth £312.40 in the next 90 days"
    )
    old = CustomerRow(**{**vars(row), "p_active": None})
    assert "Likely still active" not in customer_text("12347", segment, old, "GBP")


def _run(segments, spend, p_active=None):
    ids = pd.Index([f"c{i}" for i in range(len(segments))], name="customer_id")
    table = pd.DataFrame(
        {"segment": segments, "total_spend": spend, "returns_value": 10.0}, index=ids
    )
    if p_active is not None:
        table = table.assign(p_active=p_active, expected_orders_90d=1.0, expected_value_90d=5.0)
    return table


def test_revenue_at_risk_from_predictions():
    before = _run([0, 0, 1, 1], [100.0, 200, 300, 400], [0.9, 0.4, 0.9, 0.9])
    now = _run([0, 0, 1, 1, 1], [100.0, 200, 300, 400, 500], [0.3, 0.2, 0.9, 0.45, 0.9])
    m = movement(before, now, previous_lapsing=set(), current_lapsing={1})
    # c0 and c3 fell below the line; c1 was already gone at the last run.
    assert (m.at_risk_basis, m.at_risk_customers, m.revenue_at_risk) == (NEWLY_GONE, 2, 480.0)
    assert m.at_risk_segment in {0, 1}
    assert risk_line(m) == (
        "*Revenue at risk: 480.00*, the past net spend of 2 customers who are now likely gone "
        "(under 50% chance of still being active)."
    )
    # The previous run had no predictions (stored before them): everyone gone now counts.
    old = before.assign(**{c: np.nan for c in PREDICTED})
    m = movement(old, now, previous_lapsing=set(), current_lapsing={1})
    assert (m.at_risk_basis, m.at_risk_customers, m.revenue_at_risk) == (GONE_NOW, 3, 670.0)
    assert "the last run had no predictions to compare with" in risk_line(m)
    # Without predictions now, today's rule: customers who moved into a lapsing segment.
    m = movement(before, _run([0, 1, 1, 1], [100.0, 200, 300, 400]), previous_lapsing=set(),
                 current_lapsing={1})  # fmt: skip
    assert (m.at_risk_basis, m.at_risk_customers, m.revenue_at_risk) == (INTO_LAPSING, 1, 200.0)
    assert not has_predictions(_run([0], [1.0]))


def test_the_digest_action_names_where_the_newly_gone_are(real_result):
    from workflows.digest.compare import actions, segment_rows

    segments = real_result.summary.segments
    before = _run([0, 1], [100.0, 200], [0.9, 0.9])
    now = _run([0, 1], [100.0, 200], [0.9, 0.2]).assign(segment=[0, segments[1].id])
    m = movement(before, now, previous_lapsing=set(), current_lapsing=set())
    rows = segment_rows(segments, segments, {s.id: s.id for s in segments})
    [(what, strategy)] = actions(rows, segments, m)
    assert what == f"1 customer who spent 190 net is now likely gone, most in *{segments[1].name}*"
    assert strategy == segments[1].strategies[0]
