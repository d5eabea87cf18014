"""The App Home card says a file's name as text: a name written as a link stays a name."""

from __future__ import annotations

import json

from bot.render.home import ChannelCard, home_view
from storage import Campaign, Dataset

HOSTILE = "<https://evil.example|Re-authenticate here> & *bold*.csv"


def test_a_file_named_like_a_link_is_shown_as_its_name() -> None:
    dataset = Dataset(
        id=1, team_id="T", channel_id="C1", user_id="U", created_at="2026-12-07T09:00:00",
        file_name=HOSTILE, slack_file_id=None, sha256="0" * 64, rows_read=10, rows_kept=9,
        customers=3, first_purchase=None, last_purchase=None, mapping={}, file_format="csv",
    )  # fmt: skip
    view = home_view([ChannelCard("C1", dataset, None, None, None)])
    text = json.dumps(view)
    assert "<https://evil.example" not in text
    assert "&lt;https://evil.example|Re-authenticate here&gt; &amp; *bold*.csv" in text


def _campaign(name: str, report: dict | None) -> Campaign:
    return Campaign(
        id=1, team_id="T", channel_id="C1", created_at="2026-12-01T09:00:00", name=name,
        run_id=1, dataset_id=1, line=1, source=None, segment=0, segment_name="Lapsed",
        state=None, holdout=0.1, window_days=30, seed=0, start="2026-12-01", members=400,
        treated=360, held_out=40, baseline=0.2, detectable_lift=0.06, created_by="U",
        report=report,
    )  # fmt: skip


def test_the_card_carries_each_campaigns_latest_verdict() -> None:
    dataset = Dataset(
        id=1, team_id="T", channel_id="C1", user_id="U", created_at="2026-12-07T09:00:00",
        file_name="a.csv", slack_file_id=None, sha256="0" * 64, rows_read=10, rows_kept=9,
        customers=3, first_purchase=None, last_purchase=None, mapping={}, file_format="csv",
    )  # fmt: skip
    read = {"verdict": "No effect can be seen yet <b>", "window_ends": "2026-12-31"}
    campaigns = (_campaign("winback", read), _campaign("second", None))
    card = ChannelCard("C1", dataset, None, None, None, campaigns)
    text = json.dumps(home_view([card]))
    assert "Campaign `winback`: No effect can be seen yet &lt;b&gt;" in text
    assert "Campaign `second`: no read-out yet (its window ends on 2026-12-30)" in text
    many = ChannelCard("C1", dataset, None, None, None, campaigns * 2)
    assert "older campaigns: `/segment campaign list`" in json.dumps(home_view([many]))
