"""The hourly tick posts a campaign's last read-out in its channel once its window ended."""

from __future__ import annotations

import datetime as dt

from slack_sdk import WebClient

from bot.scheduling.campaign_ends import post_endings
from localslack import LocalSlack
from sources import Catalog
from tests.workflows.test_campaigns import (  # noqa: F401 (fixtures)
    START,
    add_later_lines,
    channel,
    lines,
    request,
)
from workflows.campaigns import start_campaign


def test_the_channel_gets_the_last_read_out_once(channel, lines):  # noqa: F811
    w, outcome = channel
    start_campaign(w, request(outcome, name="spring", days=30))
    add_later_lines(w, lines[lines.InvoiceDate >= "2011-09-01"])
    with LocalSlack() as slack:
        user = slack.add_user("ana")
        slack.add_channel("marketing", channel_id=w.scope.channel_id, members=[user])
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        day = dt.date(2011, 10, 2)
        assert post_endings(client, w.db_path, w.data_dir, day, catalog=Catalog()) == 1
        assert post_endings(client, w.db_path, w.data_dir, day, catalog=Catalog()) == 0
        (posted,) = slack.messages(w.scope.channel_id)
    assert posted["text"].startswith(
        "The window of campaign `spring` ended on 30 Sep 2011: its last read-out.\n*Campaign `spring`*:"
    )
    assert "Treated" in posted["text"] and "Held out" in posted["text"]
