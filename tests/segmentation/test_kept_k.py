"""A k a digest kept from the previous run is said to be kept, never "set by hand"."""

from __future__ import annotations

import dataclasses

from segmentation.charts.run import k_choice_chart
from segmentation.load import load_export
from segmentation.pipeline import segment_transactions
from segmentation.summary import RunSummary
from segmentation.wording import k_phrase


def test_a_kept_k_is_said_to_be_kept(real_result) -> None:
    chosen = real_result.summary
    assert k_phrase(chosen) == f"k = {chosen.k}, chosen by segbot from the elbow and silhouette"
    by_hand = dataclasses.replace(chosen, k_forced=True)
    assert k_phrase(by_hand) == f"k = {chosen.k}, set by hand"
    kept = by_hand.keeping_k_of(3)
    assert (kept.k_kept_from, kept.k_forced) == (3, True)
    assert kept.k_reason == f"k = {chosen.k}, kept from the previous run (#3) so the two compare."
    assert k_phrase(kept) == f"k = {chosen.k}, kept from the previous run (#3)"
    assert RunSummary.from_json(kept.to_json()) == kept
    assert RunSummary.from_json(chosen.to_json()).k_kept_from is None


def test_the_k_chart_of_a_kept_k(sample_csv_bytes: bytes) -> None:
    export = load_export(sample_csv_bytes, name="orders.csv")
    result = segment_transactions(export.transactions, rows_read=export.rows_read, k=3)
    kept = dataclasses.replace(result, summary=result.summary.keeping_k_of(7))
    ax = k_choice_chart(kept).axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "Kept from run #7: k = 3" in labels
    assert not any("by hand" in label for label in labels)
