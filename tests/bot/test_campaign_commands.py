"""``/segment campaign …`` end to end: the real Bolt app, the local Slack, a real database."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import pandas as pd
import pytest

import storage
from bot.render.campaign_form import CAMPAIGN_MODAL
from bot.sealing import unseal
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
    # The members, sent by DM: every one once, the held-out ones marked.
    upload = slack.wait_for("files.completeUploadExternal")[0]
    csv = slack.file_bytes(json.loads(upload.body["files"])[0]["id"]).decode()
    rows = [line.split(",") for line in csv.splitlines()]
    assert rows[0] == ["customer_id", "is_holdout", "lifecycle", "total_spend"]
    assert len(rows) - 1 == campaign.members
    assert sum(row[1] == "true" for row in rows[1:]) == campaign.held_out
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


def _results(env: Running) -> dict:
    slack = env.slack
    replies = [
        r
        for m in slack.messages(env.channel)
        for r in slack.messages(env.channel, thread_ts=m["ts"])
    ]
    return next(m for m in replies if "start_campaign" in json.dumps(m.get("blocks")))


def _choose(env: Running, channel: str, ts: str, value: str) -> None:
    resp = env.slack.choose_option(
        channel_id=channel, user_id=env.user, message_ts=ts, action_id="start_campaign",
        selected_value=value,
    )  # fmt: skip
    assert resp.status == 200


def test_start_a_campaign_from_the_results(shop: Running) -> None:
    env, slack = shop, shop.slack
    segment = _biggest_segment(env)
    results = _results(env)
    scope = Scope(slack.team_id, env.channel)
    with storage.connect(env.settings.db_path) as db:
        run_id = storage.latest_run(db, scope).id
    _choose(env, env.channel, results["ts"], f"{run_id}:{segment.id}")
    slack.wait_for("views.open")
    modal = slack.open_modal(env.user)
    assert modal["callback_id"] == CAMPAIGN_MODAL
    assert unseal(env.settings.metadata_key, modal["private_metadata"], user_id=env.user) == {
        "channel": env.channel, "run": run_id, "segment": segment.id,
    }  # fmt: skip
    answer = json.loads(slack.submit_view(env.user, {"name": "<b>big</b>"}).body)
    assert answer["response_action"] == "errors" and "plain words" in answer["errors"]["name"]
    assert slack.submit_view(env.user, {"name": "autumn", "holdout": "0.3"}).body == ""
    slack.wait_for("chat.postEphemeral")
    told = slack.ephemeral(env.channel, env.user)[-1]["text"]
    assert told.startswith("*Campaign `autumn` started*") and "(30 %)" in told
    with storage.connect(env.settings.db_path) as db:
        (campaign,) = storage.campaigns_for(db, scope)
    assert (campaign.name, campaign.run_id, campaign.segment, campaign.holdout) == (
        "autumn", run_id, segment.id, 0.3,
    )  # fmt: skip


def test_a_campaign_form_submitted_after_leaving_the_channel_stores_nothing(
    shop: Running,
) -> None:
    env, slack = shop, shop.slack
    segment = _biggest_segment(env)
    scope = Scope(slack.team_id, env.channel)
    with storage.connect(env.settings.db_path) as db:
        run_id = storage.latest_run(db, scope).id
    _choose(env, env.channel, _results(env)["ts"], f"{run_id}:{segment.id}")
    slack.wait_for("views.open")
    with slack.workspace.lock:  # the user leaves the channel while the form is open
        slack.workspace.channel(env.channel).members.discard(env.user)
    assert slack.submit_view(env.user, {"name": "autumn"}).body == ""
    told = slack.wait_for("chat.postMessage", where=lambda c: "not a member" in str(c.body))
    assert told[-1].body["channel"] == env.user and "nothing was stored" in told[-1].body["text"]
    with storage.connect(env.settings.db_path) as db:
        assert storage.campaigns_for(db, scope) == []


def test_a_forged_or_foreign_choice_opens_nothing(shop: Running) -> None:
    env, slack = shop, shop.slack
    results = _results(env)
    keep = ("user", "bot_id", "app_id", "text", "blocks")
    value = _select(results)["options"][0]["value"]
    # The results, copied to a channel of its own: their run is not that channel's.
    other = slack.add_channel("finance", members=[env.user])
    slack.workspace.post(other, {k: v for k, v in results.items() if k in keep})
    _choose(env, other, slack.messages(other)[-1]["ts"], value)
    slack.wait_for("hook", where=lambda c: "not available in this channel" in str(c.body))
    # A value no results ever offered: a run that is nobody's.
    forged = json.loads(json.dumps(results["blocks"]))
    _select({"blocks": forged})["options"][0]["value"] = "999:0"
    slack.workspace.post(env.channel, {"text": "forged", "blocks": forged})
    _choose(env, env.channel, slack.messages(env.channel)[-1]["ts"], "999:0")
    slack.wait_for("hook", 2, where=lambda c: "not available in this channel" in str(c.body))
    assert not slack.calls("views.open") and slack.open_modal(env.user) is None


def _select(message: dict) -> dict:
    return next(e for e in message["blocks"][-1]["elements"] if e["action_id"] == "start_campaign")


def test_new_data_added_bring_each_open_campaigns_read_out(running: Running) -> None:
    from workflows.campaigns import StartRequest, start_campaign
    from workflows.runs import Where

    env, slack = running, running.slack
    frame, _ = sample_export(rows=40_000, seed=3)
    frame = frame.assign(InvoiceDate=frame["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M"))
    early = frame[frame.InvoiceDate < "2011-09-01"].to_csv(index=False).encode()
    later = frame[frame.InvoiceDate >= "2011-09-01"].to_csv(index=False).encode()
    slack.share_file(channel_id=env.channel, user_id=env.user, name="early.csv", content=early)
    wait_results(slack, env.channel)
    segment = _biggest_segment(env)
    where = Where(
        scope=Scope(slack.team_id, env.channel), user_id=env.user,
        db_path=env.settings.db_path, data_dir=env.settings.data_dir,
    )  # fmt: skip
    # Started on 1 Sep 2011, as if that were today (Slack starts campaigns on the day asked).
    start_campaign(
        where, StartRequest(name="autumn", segment=str(segment.id), start=dt.date(2011, 9, 1))
    )
    ts = slack.share_file(
        channel_id=env.channel, user_id=env.user, name="later.csv", content=later
    )["ts"]
    slack.wait_for("chat.postMessage", where=lambda c: "append_add" in str(c.body.get("blocks")))
    question = next(
        m
        for m in slack.messages(env.channel, thread_ts=ts)
        if "append_add" in json.dumps(m.get("blocks", []))
    )
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=question["ts"], action_id="append_add"
    )
    said = slack.wait_for(
        "chat.postMessage", where=lambda c: "read out on the new data" in str(c.body), timeout=60
    )[-1].body["text"]
    with storage.connect(env.settings.db_path) as db:
        (campaign,) = storage.campaigns_for(db, where.scope)
    assert said == (
        "*Campaigns, read out on the new data*\n• `autumn`: " + campaign.report["verdict"]
    )
    reply = _say(env, "campaign autumn")
    assert reply.startswith(f"*Campaign `autumn`*: {campaign.report['verdict']}")
    treated = campaign.report["treated"]
    assert f"*Treated*: {treated['customers']:,} customers, {treated['rate']:.1%} bought" in reply
    blocks = slack.ephemeral(env.channel, env.user)[-1]["blocks"]
    assert blocks[1]["text"]["text"] == "*Within the window* (to 30 Sep 2011)"


def test_a_campaigns_audience_holds_the_treated_group_only(running: Running) -> None:
    env, slack = running, running.slack
    frame, _ = sample_export(rows=40_000, seed=3)
    emails = frame["CustomerID"].map(lambda c: None if pd.isna(c) else f"c{int(c)}@example.com")
    frame = frame.assign(
        CustomerID=emails, InvoiceDate=frame["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M")
    )
    content = frame.to_csv(index=False).encode()
    slack.share_file(channel_id=env.channel, user_id=env.user, name="mail.csv", content=content)
    wait_results(slack, env.channel)
    segment = _biggest_segment(env)
    assert "started" in _say(env, f"campaign start autumn segment={segment.id} holdout=20%")
    slack.clear_calls()
    reply = _say(env, "campaign export autumn as meta")
    assert "privately, in a direct message (the treated group only: " in reply
    upload = slack.wait_for("files.completeUploadExternal")[0]
    sent = slack.file_bytes(json.loads(upload.body["files"])[0]["id"]).decode()
    # The ids are the e-mails (no other e-mail column): the only column besides the country.
    rows = list(csv.DictReader(io.StringIO(sent)))
    lines = ["email", *(r["email"] for r in rows)]
    with storage.connect(env.settings.db_path) as db:
        (campaign,) = storage.campaigns_for(db, Scope(slack.team_id, env.channel))
        members = storage.campaign_members(db, campaign.id, Scope(slack.team_id, env.channel))
    treated = members.loc[~members["holdout"], "customer_id"]
    assert lines[0] == "email" and len(lines) - 1 == campaign.treated == len(treated)
    assert set(lines[1:]) == {hashlib.sha256(e.encode()).hexdigest() for e in treated}
    assert "is_holdout marked" in _say(env, "campaign export autumn")
    assert "no campaign called" in _say(env, "campaign export winter as google")
