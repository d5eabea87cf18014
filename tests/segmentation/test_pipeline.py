"""The whole run: real-data figures, determinism, k choice, names and strategies."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from segmentation.errors import NotEnoughCustomersError
from segmentation.load import load_export
from segmentation.pipeline import segment_export, segment_transactions
from segmentation.sample import ARCHETYPES, sample_export
from segmentation.strategies import BY_KEY
from segmentation.summary import FEATURES, RunSummary


def test_real_data_figures(real_result):
    d = real_result.summary.to_json()
    assert (d["rows_read"], d["rows_kept"], d["customers"]) == (541_909, 397_884, 4_338)
    assert d["total_spend"] == 8_911_407.90
    assert d["dropped"] == {
        "missing customer": 135_080,
        "quantity not positive": 8_905,
        "price not positive": 40,
    }
    assert d["cancellations"] == 3_836
    assert d["as_of"] == "2011-12-10"
    assert sum(s["customers"] for s in d["segments"]) == 4_338


def test_real_data_auto_k_gives_usable_segments(real_result):
    shares = [s.share for s in real_result.summary.segments]
    assert min(shares) >= 0.05
    assert 3 <= real_result.summary.k <= 6
    assert real_result.summary.k_reason.startswith(f"k = {real_result.summary.k}:")
    assert 0.5 < real_result.summary.stability <= 1.0
    assert [s.k for s in real_result.summary.k_scores] == list(range(2, 11))


def test_names_are_unique_and_faithful(real_result):
    names = [s.name for s in real_result.summary.segments]
    assert len(set(names)) == len(names)
    by_frequency = max(real_result.summary.segments, key=lambda s: s.median.frequency)
    for s in real_result.summary.segments:
        if s.name.startswith("High-frequency"):
            assert s is by_frequency
        if s.name.startswith("Lapsed"):
            assert s.median.recency_days > np.median(real_result.customers["recency_days"])
        if s.name.startswith("Recent"):
            assert s.median.recency_days < np.median(real_result.customers["recency_days"])


def test_every_segment_gets_two_to_four_known_strategies(real_result):
    for s in real_result.summary.segments:
        assert 2 <= len(s.strategies) <= 4
        assert all(key in BY_KEY for key in s.strategy_keys)


def test_segment_ids_rank_by_revenue(real_result):
    revenue = [s.revenue for s in real_result.summary.segments]
    assert revenue == sorted(revenue, reverse=True)
    assert [s.id for s in real_result.summary.segments] == list(range(real_result.summary.k))


@pytest.fixture(scope="module")
def sample():
    frame, truth = sample_export(rows=20_000, seed=11)
    out = frame.assign(InvoiceDate=frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M"))
    return load_export(out.to_csv(index=False).encode(), name="sample.csv"), truth


def test_sample_archetypes_are_recovered(sample):
    export, truth = sample
    result = segment_export(export, k=len(ARCHETYPES))
    labels = result.customers["segment"]
    assert adjusted_rand_score(truth.reindex(labels.index), labels) >= 0.8


def test_same_input_same_output(sample):
    export, _ = sample
    first = segment_export(export, random_state=7)
    second = segment_export(export, random_state=7)
    assert first.summary.to_json() == second.summary.to_json()
    assert first.customers.equals(second.customers)


def test_steps_are_reported_in_order(sample):
    export, _ = sample
    steps: list[str] = []
    segment_export(export, k=3, on_step=steps.append)
    assert steps == ["cleaning", "clustering"]


def test_forced_k_and_as_of(sample):
    export, _ = sample
    result = segment_export(export, k=3, as_of=dt.date(2012, 1, 31))
    assert (
        result.summary.k == 3
        and result.summary.k_forced
        and "set by hand" in result.summary.k_reason
    )
    assert len(result.summary.segments) == 3
    assert result.customers["recency_days"].min() >= 53


def test_too_few_customers_is_a_plain_error():
    data = "customer,date,amount\na,2023-01-01,5\nb,2023-01-02,6\n"
    with pytest.raises(NotEnoughCustomersError, match="need at least"):
        segment_export(load_export(data.encode(), name="x.csv"))


def test_nothing_left_after_cleaning_is_a_plain_error():
    data = "customer,date,quantity,price\na,2023-01-01,-1,5\nb,2023-01-02,0,6\n"
    with pytest.raises(NotEnoughCustomersError, match="Nothing is left after cleaning"):
        segment_export(load_export(data.encode(), name="x.csv"))


def test_forced_k_larger_than_customers_allow(sample):
    export, _ = sample
    tiny = export.transactions[
        export.transactions["customer_id"].isin(
            export.transactions["customer_id"].dropna().unique()[:10]
        )
    ]
    with pytest.raises(NotEnoughCustomersError):
        segment_transactions(tiny, k=5)


def test_summary_json_round_trip(real_result):
    summary = real_result.summary
    assert RunSummary.from_json(summary.to_json()) == summary
    assert RunSummary.from_json(json.loads(json.dumps(summary.to_json()))) == summary


def test_json_contract_keys_are_exactly_todays(real_result):
    """The keys (and their order) of ``segbot segment --json`` and the stored summary."""
    d = json.loads(json.dumps(real_result.summary.to_json()))
    assert list(d) == [
        "rows_read",
        "rows_kept",
        "customers",
        "total_spend",
        "dropped",
        "cancellations",
        "cancelled_lines",
        "duplicate_lines",
        "first_purchase",
        "last_purchase",
        "as_of",
        "date_order",
        "mapping",
        "k",
        "k_forced",
        "k_reason",
        "k_kept_from",
        "k_scores",
        "stability",
        "random_state",
        "notes",
        "segments",
        "lifecycle",
        "currency",
        "returned_value",
        "net_spend",
        "left_out_customers",
        "predictions",
        "expected_revenue_90d",
        "prediction_check",
    ]
    assert [list(s) for s in d["k_scores"]] == [
        ["k", "inertia", "silhouette", "smallest_share"]
    ] * 9
    for segment in d["segments"]:
        assert list(segment) == [
            "id",
            "name",
            "customers",
            "share",
            "revenue",
            "revenue_share",
            "median",
            "strategies",
            "strategy_keys",
            "levels",
            "facts",
            "products",
            "categories",
            "pairs",
        ]
        assert list(segment["median"]) == list(FEATURES)
        assert list(segment["levels"]) == ["recency", "frequency", "average_spend", "total_spend"]
