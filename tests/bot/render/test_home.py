"""The App Home card says a file's name as text: a name written as a link stays a name."""

from __future__ import annotations

import json

from bot.render.home import ChannelCard, home_view
from storage import Dataset

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
