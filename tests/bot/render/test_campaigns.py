"""Campaign replies as data: the user's campaign name quoted once, the figures as computed."""

from __future__ import annotations

import datetime as dt
import json

from bot.render.campaigns import list_text, open_campaigns_text, report_blocks, report_text
from storage import Campaign
from workflows.campaign_report import Group, Report

REPORT = Report(
    campaign="a<b>&c",
    treated=Group(customers=900, converted=180, rate=0.2, orders_per_customer=0.25,
                  revenue_per_customer=12.5),
    holdout=Group(customers=100, converted=15, rate=0.15, orders_per_customer=0.18,
                  revenue_per_customer=9.0),
    lift={"absolute": 0.05, "ci_low": -0.02, "ci_high": 0.12, "relative": 1 / 3},
    revenue_lift={"per_customer": 3.5, "ci_low": -1.0, "ci_high": 8.0, "total": 3150.0},
    verdict="No effect can be seen yet: at this size only a lift over 12.1 points would show; "
    "the window ends on 30 Sep 2011.",
    balance=None,
    window_ends=dt.date(2011, 9, 30),
    data_end=dt.date(2011, 9, 20),
    ended=False,
)  # fmt: skip


def test_a_read_out_in_blocks_and_text():
    blocks = report_blocks(REPORT)
    assert blocks[0]["text"]["text"] == (
        "*Campaign `a&lt;b&gt;&amp;c`*\nNo effect can be seen yet: at this size only a lift over "
        "12.1 points would show; the window ends on 30 Sep 2011."
    )
    assert blocks[1]["text"]["text"] == "*Within the window* (to 30 Sep 2011)"
    assert [f["text"] for f in blocks[1]["fields"]] == [
        "*Treated*: 900 customers, 20.0% bought, 0.25 orders and 12.50 net revenue per customer",
        "*Held out*: 100 customers, 15.0% bought, 0.18 orders and 9.00 net revenue per customer",
    ]
    assert blocks[2]["elements"][0]["text"] == (
        "Lift +5.0 points, +33% relative; data to 20 Sep 2011, window to 30 Sep 2011."
    )
    assert all(block.get("text", {}).get("text", "x") for block in blocks)  # none empty
    assert report_text(REPORT).startswith("*Campaign `a&lt;b&gt;&amp;c`*: No effect")
    assert "<b>" not in json.dumps(blocks)


def test_the_list_and_the_new_data_lines():
    campaign = Campaign(
        id=1, team_id="T", channel_id="C", created_at="2011-09-01T00:00:00+00:00",
        name="autumn", run_id=1, dataset_id=1, line=1, source=None, segment=2,
        segment_name="Lapsed <one-time>", state=None, holdout=0.1, window_days=30, seed=0,
        start="2011-09-01", members=328, treated=295, held_out=33, baseline=0.2,
        detectable_lift=0.2, created_by="U1", report={"verdict": "No effect can be seen."},
    )  # fmt: skip
    assert list_text([campaign], dt.date(2011, 9, 10)) == (
        "*Campaigns*\n• `autumn`: 328 of Lapsed &lt;one-time&gt;, open until 30 Sep 2011. "
        "No effect can be seen."
    )
    assert "ended 30 Sep 2011" in list_text([campaign], dt.date(2011, 10, 1))
    assert open_campaigns_text((("a&b", "Nothing to read yet."),)) == (
        "*Campaigns, read out on the new data*\n• `a&amp;b`: Nothing to read yet."
    )
