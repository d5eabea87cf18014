"""``/segment schedule …``, ``digest now``, the results button (its modal: test_schedule_modal.py)
and the movers' CSV, end to end.

A real bot behind a threaded WSGI server, the local fake Slack and a real SQLite file
(the ``running`` fixture of ``tests/bot``).
"""

from __future__ import annotations

import json
import re

import storage
from bot.scheduling.scheduler import job_id
from segmentation.load import load_export
from storage import Schedule, Scope
from tests.bot.conftest import Running
from tests.bot.helpers import say
from tests.bot.scheduling.conftest import upload, with_orders


def _say(env: Running, text: str) -> str:
    return say(env.slack, text, channel=env.channel, user=env.user)


def _schedule(env: Running) -> Schedule:
    with storage.connect(env.settings.db_path) as db:
        schedule = storage.schedule_for(db, Scope(env.slack.team_id, env.channel))
    assert schedule is not None
    return schedule


def _is_digest(call) -> bool:
    return str(call.body.get("text", "")).startswith("Weekly digest")


def _digests(env: Running, count: int) -> list[dict]:
    """The channel's digest messages, once there are ``count``."""
    env.slack.wait_for("chat.postMessage", count, timeout=60, where=_is_digest)
    return [
        m for m in env.slack.messages(env.channel) if m.get("text", "").startswith("Weekly digest")
    ]


def test_schedule_show_digest_now_and_off(segmented: Running, sample_csv_bytes: bytes) -> None:
    env, slack = segmented, segmented.slack
    assert "No weekly digest is scheduled" in _say(env, "schedule")
    reply = _say(env, "schedule weekly mon 09:00")
    assert "every Monday at 09:00 (Europe/London) (your Slack timezone)" in reply
    shown = _say(env, "schedule")
    assert "every Monday at 09:00 (Europe/London), keeping the current k. Next: Mon" in shown
    assert env.bot.scheduler._aps.get_job(job_id(_schedule(env).id)) is not None

    assert "the digest will appear here" in _say(env, "digest now")
    (quiet,) = _digests(env, 1)  # the upload is all the data there is: nothing new
    assert "*Nothing new:*" in json.dumps(quiet["blocks"])
    slack.wait_for("chat.postMessage", 1, where=_is_digest)
    assert slack.messages(env.channel, thread_ts=quiet["ts"]) == []  # no movers' button
    # New orders arrive (an upload stored as the upload flow stores it): the next digest
    # reports them, and who moved, with the movers' button.
    grown = with_orders(sample_csv_bytes, ["12001", "12004", "12094"])
    upload(
        env.settings.db_path, env.settings.data_dir, Scope(slack.team_id, env.channel), env.user,
        load_export(grown, name="orders.csv"), grown,
    )  # fmt: skip
    assert "the digest will appear here" in _say(env, "digest now")
    slack.wait_for(
        "chat.postMessage", where=lambda c: "digest_export_movers" in str(c.body.get("blocks"))
    )
    digest = _digests(env, 2)[-1]
    assert "3 customers bought or returned something" in json.dumps(digest["blocks"])
    slack.wait_for("files.completeUploadExternal")
    thread = slack.messages(env.channel, thread_ts=digest["ts"])
    button = next(m for m in thread if "digest_export_movers" in json.dumps(m.get("blocks")))
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=button["ts"],
        action_id="digest_export_movers",
    )  # fmt: skip
    upload_call = slack.wait_for("files.completeUploadExternal", 2)[-1]
    csv = slack.file_bytes(json.loads(upload_call.body["files"])[0]["id"]).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("previous_segment_id,previous_segment_name,customer_id")
    moved = int(re.search(r"(\d+) customers? moved", digest["text"]).group(1))
    assert len(csv.splitlines()) == moved + 1  # the header, then exactly the movers
    slack.wait_for("hook", where=lambda c: "movers-run-" in str(c.body))
    # Two runs between which nobody moved (a run and itself): a plain answer, no empty CSV.
    run_id = json.dumps(button["blocks"]).split('"value": "')[1].split(":")[1].split('"')[0]
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=button["ts"],
        action_id="digest_export_movers", value=f"{run_id}:{run_id}",
    )  # fmt: skip
    slack.wait_for("hook", where=lambda c: "Nobody changed segment between run" in str(c.body))
    assert len(slack.calls("files.completeUploadExternal")) == 2  # the chart and the one CSV

    assert "The weekly digest in this channel is off" in _say(env, "schedule off")
    assert not _schedule(env).enabled
    assert env.bot.scheduler._aps.get_job(job_id(_schedule(env).id)) is None
    assert "No weekly digest is scheduled" in _say(env, "schedule")
    assert "There was no weekly digest scheduled" in _say(env, "schedule off")


def test_results_button_schedules_the_digest(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    replies = [
        r
        for m in slack.messages(env.channel)
        for r in slack.messages(env.channel, thread_ts=m["ts"])
    ]
    results = next(m for m in replies if "schedule_digest" in json.dumps(m.get("blocks")))
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=results["ts"],
        action_id="schedule_digest",
    )  # fmt: skip
    slack.wait_for("views.open")  # the modal, preset to Mondays 09:00 in the user's timezone
    assert slack.submit_view(env.user).body == ""
    slack.wait_for("chat.postEphemeral", where=lambda c: "every Monday at 09:00" in str(c.body))
    assert _schedule(env).timezone == "Europe/London"


def test_schedule_without_a_dataset_says_how_to_start(running: Running) -> None:
    assert "no dataset yet" in _say(running, "schedule weekly mon 09:00 UTC")
    assert "no dataset yet" in _say(running, "digest now")
    assert "Use an Area/City name" in _say(running, "schedule weekly mon 09:00 Mars/Base")
