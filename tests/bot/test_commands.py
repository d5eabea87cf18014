"""``/segment`` subcommands, buttons, signatures, channel isolation and a restart, end to end."""

from __future__ import annotations

import json
import time

import storage
from bot.jobs.queue import JobQueue
from storage import Scope
from tests.bot.conftest import Running
from tests.bot.helpers import say, wait_results


def _say(env: Running, text: str, channel: str | None = None) -> str:
    """Send ``/segment text``; the ephemeral answer the user got."""
    return say(env.slack, text, channel=channel or env.channel, user=env.user)


def test_help_and_unknown_words(running: Running) -> None:
    assert "`/segment run [k=N]" in _say(running, "help")
    assert _say(running, "").startswith("*`/segment`*")
    assert _say(running, "dance please").startswith("I don't know `dance please`")
    assert _say(running, "payload size").startswith("I don't know `payload size`")
    assert "k is the number of segments" in _say(running, "run k=40")


def test_no_dataset_says_how_to_upload(running: Running) -> None:
    for text in ("show", "run", "history", "customer 1", "export"):
        reply = _say(running, text)
        assert "no dataset yet" in reply or "No runs yet" in reply, (text, reply)


def test_show_customer_history_datasets_export(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    _say(env, "show")
    shown = slack.ephemeral(env.channel, env.user)[-1]
    assert "export_csv" in json.dumps(shown["blocks"])
    assert "Segments of small.csv" in shown["text"]
    assert "*Datasets shared in this channel*" in _say(env, "datasets")
    history = _say(env, "history")
    assert "`small.csv`" in history and "k=" in history
    customer_id = _first_customer(env)
    reply = _say(env, f"customer {customer_id}")
    assert f"Customer `{customer_id}` is in *" in reply and "segment median" in reply
    # As a spreadsheet writes the id: the same customer.
    assert "is in *" in _say(env, f"customer {customer_id}.0")
    assert "is not in the latest results" in _say(env, "customer NOPE")
    assert "in a direct message" in _say(env, "export all")
    upload = slack.wait_for("files.completeUploadExternal")[0]
    csv = slack.file_bytes(json.loads(upload.body["files"])[0]["id"]).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("customer_id,segment_id,segment_name")
    assert "in a direct message" in _say(env, "export 0")
    assert "Which segment is `zebra`?" in _say(env, "export zebra")


def _first_customer(env: Running) -> str:
    scope = Scope(env.slack.team_id, env.channel)
    with storage.connect(env.settings.db_path) as db:
        run = storage.latest_run(db, scope)
        customers = storage.assignments_for(db, run.id, scope)
    return str(customers.index[0])


def test_run_posts_results_in_the_channel_and_buttons_work(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    slack.send_command("run k=3", channel_id=env.channel, user_id=env.user)
    (summary,) = wait_results(slack, env.channel)
    assert "*3 segments.*" in json.dumps(summary["blocks"])
    ts = summary["thread_ts"]
    results = slack.messages(env.channel, thread_ts=ts)[0]
    slack.clear_calls()
    slack.choose_option(
        channel_id=env.channel,
        user_id=env.user,
        message_ts=results["ts"],
        action_id="rerun_k",
        selected_value=results["blocks"][-1]["elements"][1]["options"][2]["value"],
    )
    (again,) = wait_results(slack, env.channel)
    assert "*4 segments.*" in json.dumps(again["blocks"])
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=results["ts"], action_id="export_csv"
    )
    slack.wait_for("files.completeUploadExternal", 2)


def test_channels_never_see_each_other(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    other = slack.add_channel("finance", members=[env.user])
    assert "no dataset yet" in _say(env, "show", other)
    assert "no dataset yet" in _say(env, "datasets", other)
    # A results message of #marketing, clicked from #finance, shows nothing of #marketing.
    with_controls = [m for m in slack.messages(env.channel) if m.get("reply_count")]
    thread = slack.messages(env.channel, thread_ts=with_controls[0]["ts"])
    results = next(m for m in thread if "blocks" in m and "export_csv" in json.dumps(m["blocks"]))
    client_blocks = results["blocks"]
    from slack_sdk import WebClient

    client = WebClient(token=slack.bot_token, base_url=slack.api_url)
    ts = client.chat_postMessage(channel=other, text="copy", blocks=client_blocks)["ts"]
    slack.click_button(channel_id=other, user_id=env.user, message_ts=ts, action_id="export_csv")
    slack.wait_for("hook", where=lambda c: "not available in this channel" in str(c.body))


def test_command_where_the_bot_is_not_says_how_to_invite(running: Running) -> None:
    outside = running.slack.add_channel("secret", bot_member=False, is_private=True)
    assert "/invite @segbot" in _say(running, "show", outside)


def test_bad_signature_and_stale_timestamp_are_rejected(running: Running) -> None:
    slack = running.slack
    body = "command=%2Fsegment&text=run&team_id=T0LOCAL&channel_id=" + running.channel
    headers = slack.app_client.signed_headers(
        body, content_type="application/x-www-form-urlencoded"
    )
    forged = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}
    assert slack.send_raw(body, forged).status == 401
    stale = slack.app_client.signed_headers(
        body, content_type="application/x-www-form-urlencoded", timestamp=int(time.time()) - 400
    )
    assert slack.send_raw(body, stale).status == 401
    # A rejected request never reaches a listener: nothing can be posted after the 401.
    assert slack.calls("chat.postMessage") == [] and slack.ephemeral() == []


def test_restart_between_upload_and_show(segmented: Running, jobs: JobQueue) -> None:
    segmented.restart(jobs)
    assert "Segments of small.csv" in _say(segmented, "show")


def test_a_channel_currency_shows_in_the_next_results(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    assert "I read the currency from each export" in _say(env, "currency")
    assert "amounts in this channel are in GBP" in _say(env, "currency gbp")
    assert "Amounts in this channel are in GBP" in _say(env, "currency")
    assert "is not a currency code" in _say(env, "currency pounds")
    slack.send_command("run", channel_id=env.channel, user_id=env.user)
    (summary,) = wait_results(slack, env.channel)
    assert "Total spend £" in summary["text"]
    assert "read the currency from each export" in _say(env, "currency auto")
