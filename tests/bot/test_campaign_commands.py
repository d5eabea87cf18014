"""``/segment campaign …`` end to end: the real Bolt app, the local Slack, a real database."""

from __future__ import annotations

import json

import pytest

import storage
from segmentation.sample import sample_export
from storage import Scope
from tests.bot.conftest import Running
from tests.bot.helpers import say, wait_results


@pytest.fixture(scope="module")
def shop_csv() -> bytes:
    """An export with segments large enough for a holdout of 20 customers or more."""
    frame, _ = sample_export(rows=40_000, seed=3)
    out = frame.assign(InvoiceDate=frame["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M"))
    return out.to_csv(index=False).encode()


@pytest.fixture
def shop(running: Running, shop_csv: bytes) -> Running:
    """``running`` after that export was shared and segmented (calls then cleared)."""
    slack = running.slack
    slack.share_file(
        channel_id=running.channel, user_id=running.user, name="shop.csv", content=shop_csv
    )
    wait_results(slack, running.channel)
    slack.clear_calls()
    return running


def _say(env: Running, text: str, channel: str | None = None) -> str:
    return say(env.slack, text, channel=channel or env.channel, user=env.user)


def _biggest_segment(env: Running):
    scope = Scope(env.slack.team_id, env.channel)
    with storage.connect(env.settings.db_path) as db:
        run = storage.latest_run(db, scope)
        return max(storage.segments_for(db, run.id, scope), key=lambda s: s.customers)


def test_start_list_and_read_out_a_campaign_in_its_channel_only(shop: Running) -> None:
    env, slack = shop, shop.slack
    segment = _biggest_segment(env)
    reply = _say(env, f"campaign start spring sale segment={segment.id} holdout=30% days=14")
    assert reply.startswith("*Campaign `spring sale` started*")
    assert f"{segment.customers:,} customers of segment {segment.id}" in reply
    assert "would show at 95 % confidence with 80 % power" in reply
    blocks = json.dumps(slack.ephemeral(env.channel, env.user)[-1]["blocks"])
    assert "/segment campaign spring sale" in blocks
    scope = Scope(slack.team_id, env.channel)
    with storage.connect(env.settings.db_path) as db:
        (campaign,) = storage.campaigns_for(db, scope)
    assert (campaign.members, campaign.held_out) == (
        segment.customers, round(segment.customers * 0.3),
    )  # fmt: skip
    assert "exists already" in _say(env, f"campaign start spring sale segment={segment.id}")
    # The shared data end before today's start: nothing to read yet, and when the window ends.
    assert _say(env, "campaign spring sale").startswith("Nothing to read yet")
    assert _say(env, "campaign").startswith("Nothing to read yet")
    listed = _say(env, "campaign list")
    assert listed.startswith("*Campaigns*") and "`spring sale`" in listed and "open until" in listed
    other = slack.add_channel("finance", members=[env.user])
    assert _say(env, "campaign list", other).startswith("No campaigns yet")
    assert "no campaign called" in _say(env, "campaign spring sale", other)
    assert "no finished run" in _say(env, f"campaign start x segment={segment.id}", other)


def test_bad_campaign_input_is_one_plain_sentence(shop: Running) -> None:
    env = shop
    segment = _biggest_segment(env).id
    cases = {
        f"campaign start x segment={segment} holdout=abc": "`holdout=abc` is not a share",
        f"campaign start x segment={segment} holdout=0%": "more than 0 %",
        f"campaign start x segment={segment} holdout=100%": "less than 100 %",
        "campaign start x segment=": "Say which segment",
        f"campaign start x segment={segment} state=": "The state is empty",
        f"campaign start *loud* segment={segment}": "plain words",
        f"campaign start segment={segment}": "Give the campaign a name",
        f"campaign start x segment={segment} holdout=0.1%": "each group needs at least 20",
        "campaign start <!channel> segment=1": "plain words",
    }
    for text, said in cases.items():
        reply = _say(env, text)
        assert said in reply, (text, reply)
        assert "\n" not in reply and "<!channel>" not in reply
    assert _say(env, "campaign list").startswith("No campaigns yet")
