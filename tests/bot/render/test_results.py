"""The results renderer, from a typed summary: Slack's limits and the words shown."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.errors import NO_DATASET
from bot.render.lookups import customer_text, datasets_text, history_text
from bot.render.progress import progress_text
from bot.render.results import results_blocks, results_text, segment_fields
from segmentation.choices import K_RANGE
from segmentation.offers import joined
from segmentation.summary import Medians, RunParams, RunSummary, Segment
from storage import CustomerRow, RunRecord

MEDIANS = Medians(recency_days=5, frequency=2, average_spend=10, total_spend=20)
SUMMARY = RunSummary(
    rows_read=10,
    rows_kept=8,
    customers=6,
    total_spend=100.0,
    dropped={"no customer id": 2},
    cancellations=0,
    cancelled_lines=0,
    duplicate_lines=0,
    first_purchase=None,
    last_purchase=None,
    as_of=dt.date(2011, 12, 10),
    k=2,
    k_reason="Two is best.",
    segments=tuple(
        Segment(
            id=i,
            name=f"Seg {i}",
            customers=3,
            share=0.5,
            revenue=50.0,
            revenue_share=0.5,
            median=MEDIANS,
            strategies=("Say hi",),
        )
        for i in range(2)
    ),
)


def test_results_blocks_respect_slack_limits() -> None:
    blocks = results_blocks(SUMMARY, run_id=7)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Customer segments"},
    }
    assert len(blocks) <= 50
    for block in blocks:
        assert len(block.get("fields", [])) <= 10
        assert len(block.get("text", {}).get("text", "")) <= 3000
    controls = blocks[-1]
    assert [e["action_id"] for e in controls["elements"]] == [
        "export_csv",
        "rerun_k",
        "schedule_digest",
        "export_audience",
        "start_campaign",
    ]
    assert [o["value"] for o in controls["elements"][1]["options"]] == [f"7:{k}" for k in K_RANGE]
    assert [o["value"] for o in controls["elements"][4]["options"]] == [
        f"7:{s.id}" for s in SUMMARY.segments
    ]
    assert "Read 10 rows, kept 8 (dropped: 2 no customer id)" in results_text(SUMMARY)


def test_progress_and_queue_texts() -> None:
    assert (
        progress_text("orders.csv", 45 * 1024 * 1024, "reading") == "Reading `orders.csv` (45 MB)…"
    )
    assert "2 jobs are ahead" in progress_text("a.csv", None, "queued", position=2)
    assert progress_text("a.csv", None, "done") == "Done with `a.csv`: results below."


def test_customer_and_lists() -> None:
    row = CustomerRow(
        customer_id="12347",
        segment=1,
        recency_days=3,
        frequency=4,
        average_spend=12.5,
        total_spend=50,
        returns_value=0.0,
    )
    text = customer_text("12347", SUMMARY.segments[1], row)
    assert text.startswith("Customer `12347` is in *Seg 1*.")
    assert datasets_text([]) == NO_DATASET
    run = RunRecord(
        id=3, dataset_id=1, team_id="T", channel_id="C", trigger="upload", status="done",
        error=None, params=RunParams(), k=2, as_of="2011-12-10", requested_by=None,
        created_at="2024-01-01T09:00:00+00:00", finished_at="2024-01-01T09:00:05+00:00",
        file_name="a.csv", customers=6, summary=None,
    )  # fmt: skip
    assert "• #3 2024-01-01 09:00 UTC: `a.csv`, k=2, sizes 3, 3" in history_text([(run, [3, 3])])


def test_a_customers_products_are_shown_one_per_name_whatever_the_names_hold() -> None:
    names, ids = ["Tea; green", "Cup & <saucer>", "a\\b"], ["T;1", "C2", "A3"]
    row = CustomerRow(
        customer_id="12347", segment=1, recency_days=3, frequency=4, average_spend=12.5,
        total_spend=50, returns_value=0.0, next_products=joined(names[:2]),
        next_product_ids=joined(ids[:2]), usual_products=joined(names[2:]),
        usual_product_ids=joined(ids[2:]),
    )  # fmt: skip
    lines = customer_text("12347", SUMMARY.segments[1], row).splitlines()
    assert lines[-2:] == ["Offer next: Tea; green, Cup &amp; &lt;saucer&gt;", "Usually buys: a\\b"]


@pytest.mark.parametrize(("frequency", "shown"), [(1.0, "1 order"), (3.0, "3 orders")])
def test_segment_fields_say_order_or_orders(frequency: float, shown: str) -> None:
    segment = dataclasses.replace(
        SUMMARY.segments[0], median=dataclasses.replace(MEDIANS, frequency=frequency)
    )
    assert f"*Median frequency*\n{shown}" in segment_fields(segment)
