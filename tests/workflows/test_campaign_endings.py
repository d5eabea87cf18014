"""A campaign's window ends: its last read-out is made once, whoever asks how often."""

from __future__ import annotations

import datetime as dt

import storage
from sources import Catalog
from tests.workflows.test_campaigns import (  # noqa: F401 (fixtures)
    START,
    add_later_lines,
    channel,
    lines,
    request,
)
from workflows.campaign_endings import ended_campaigns
from workflows.campaigns import start_campaign


def test_the_last_read_out_comes_once_after_the_window(channel, lines):  # noqa: F811
    w, outcome = channel
    start_campaign(w, request(outcome, days=30))
    last_day = START + dt.timedelta(days=29)
    assert ended_campaigns(w.db_path, w.data_dir, last_day, catalog=Catalog()) == []  # open
    no_data = ended_campaigns(
        w.db_path, w.data_dir, last_day + dt.timedelta(days=1), catalog=Catalog()
    )
    assert len(no_data) == 1 and no_data[0].report is None
    assert no_data[0].reason.startswith("Nothing to read yet: the data end before")
    # Claimed: asked again (another tick, another bot), nothing more to post.
    assert (
        ended_campaigns(w.db_path, w.data_dir, last_day + dt.timedelta(days=9), catalog=Catalog())
        == []
    )


def test_with_data_over_the_window_the_ending_is_its_read_out(channel, lines):  # noqa: F811
    w, outcome = channel
    start_campaign(w, request(outcome, name="spring", days=30))
    add_later_lines(w, lines[lines.InvoiceDate >= "2011-09-01"])
    (ending,) = ended_campaigns(w.db_path, w.data_dir, dt.date(2011, 12, 1), catalog=Catalog())
    assert ending.report is not None and ending.report.campaign == "spring"
    assert ending.report.window_ends == dt.date(2011, 9, 30) and ending.report.ended
    with storage.connect(w.db_path) as db:
        stored = storage.campaign_named(db, w.scope, "spring")
    assert stored.final_posted_at is not None and stored.report == ending.report.to_json()
