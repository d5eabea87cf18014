"""The **Schedule weekly digest** button opens a modal; its submission saves the schedule.

End to end: the real Bolt app behind a WSGI server, the local Slack sending signed
``block_actions`` and ``view_submission`` payloads and checking ``views.open``'s trigger id.
"""

from __future__ import annotations

import json

import pytest

import storage
from bot.render.schedule import SCHEDULE_MODAL
from bot.scheduling.scheduler import job_id
from bot.sealing import seal, unseal
from storage import Schedule, Scope
from tests.bot.conftest import Running
from tests.bot.helpers import say


def _schedule(env: Running) -> Schedule | None:
    with storage.connect(env.settings.db_path) as db:
        return storage.schedule_for(db, Scope(env.slack.team_id, env.channel))


def _open_modal(env: Running, user: str) -> dict:
    """Click the results' schedule button as ``user``; return the modal Slack shows them."""
    slack = env.slack
    replies = [
        r
        for m in slack.messages(env.channel)
        for r in slack.messages(env.channel, thread_ts=m["ts"])
    ]
    results = next(m for m in replies if "schedule_digest" in json.dumps(m.get("blocks")))
    slack.workspace.join(env.channel, user)
    opened = len(slack.calls("views.open"))
    resp = slack.click_button(
        channel_id=env.channel, user_id=user, message_ts=results["ts"], action_id="schedule_digest"
    )
    assert resp.status == 200
    call = slack.wait_for("views.open", opened + 1)[-1]
    assert call.ok, call.response
    modal = slack.open_modal(user)
    assert modal is not None and modal["callback_id"] == SCHEDULE_MODAL
    return modal


def _initial(modal: dict, block_id: str) -> str:
    element = next(b for b in modal["blocks"] if b.get("block_id") == block_id)["element"]
    return element.get("initial_time") or element["initial_option"]["value"]


def test_the_modal_sets_day_time_timezone_and_k(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    tokyo = slack.add_user("kenji", tz="Asia/Tokyo")
    modal = _open_modal(env, tokyo)
    assert unseal(env.settings.metadata_key, modal["private_metadata"], user_id=tokyo) == {
        "channel": env.channel, "origin": "results",
    }  # fmt: skip
    assert [_initial(modal, b) for b in ("day", "time", "timezone", "k")] == [
        "0",
        "09:00",
        "Asia/Tokyo",
        "keep",
    ]
    zones = next(b for b in modal["blocks"] if b.get("block_id") == "timezone")["element"][
        "options"
    ]
    assert zones[0] == {
        "text": {"type": "plain_text", "text": "Asia/Tokyo (your timezone)"},
        "value": "Asia/Tokyo",
    }
    assert _schedule(env) is None  # opening the modal sets nothing

    resp = slack.submit_view(
        tokyo, {"day": "4", "time": "16:30", "timezone": "America/New_York", "k": "auto"}
    )
    assert (resp.status, resp.body) == (200, "")
    assert slack.open_modal(tokyo) is None
    slack.wait_for("chat.postEphemeral", where=lambda c: c.body.get("user") == tokyo)
    told = slack.ephemeral(env.channel, tokyo)[-1]["text"]
    assert "every Friday at 16:30 (America/New_York)" in told and "The first one: Fri" in told
    schedule = _schedule(env)
    assert (schedule.weekday, schedule.time, schedule.timezone, schedule.k_mode) == (
        4,
        "16:30",
        "America/New_York",
        "auto",
    )
    assert schedule.created_by == tokyo and schedule.enabled
    assert env.bot.scheduler._aps.get_job(job_id(schedule.id)) is not None

    # Opened again, the modal starts from what is set; the slash command still works too.
    again = _open_modal(env, env.user)
    assert [_initial(again, b) for b in ("day", "time", "timezone", "k")] == [
        "4",
        "16:30",
        "America/New_York",
        "auto",
    ]
    assert "every Sunday at 08:15 (UTC)" in say(
        slack, "schedule weekly sun 08:15 UTC", channel=env.channel, user=env.user
    )
    assert _schedule(env).weekday == 6


def test_an_impossible_time_or_unknown_timezone_is_shown_in_the_modal(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    modal = _open_modal(env, env.user)
    resp = slack.submit_view(env.user, {"time": "25:00", "timezone": "Mars/Base"}, strict=False)
    assert resp.status == 200
    answer = json.loads(resp.body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"time", "timezone"}
    assert "`25:00` is not a time" in answer["errors"]["time"]
    assert "I don't know the timezone `Mars/Base`" in answer["errors"]["timezone"]
    assert slack.view_errors(modal["id"]) == answer["errors"]
    assert slack.open_modal(env.user)["id"] == modal["id"]  # still open, nothing stored
    assert _schedule(env) is None
    assert not slack.calls("chat.postEphemeral")

    resp = slack.submit_view(env.user, {"k": "11"}, strict=False)
    assert set(json.loads(resp.body)["errors"]) == {"k"}
    assert _schedule(env) is None

    assert slack.submit_view(env.user, {"time": "07:05"}).body == ""  # fixed: saved
    slack.wait_for("chat.postEphemeral")
    assert _schedule(env).time == "07:05" and _schedule(env).timezone == "Europe/London"


NOT_OURS = (
    "I didn't open this form for you, or it was changed on the way: open it again from the "
    "results or the App Home. Nothing was saved."
)


@pytest.mark.parametrize(
    "metadata",
    [
        "not json",
        "",
        json.dumps({"channel": "C0L0000002", "origin": "results"}),  # unsigned
        "v1.e30.0000",  # signed with another key
    ],
)
def test_a_form_the_bot_did_not_open_saves_nothing(segmented: Running, metadata: str) -> None:
    env, slack = segmented, segmented.slack
    _open_modal(env, env.user)
    slack.workspace.views.views[slack.open_modal(env.user)["id"]]["private_metadata"] = metadata
    answer = json.loads(slack.submit_view(env.user).body)
    assert answer == {"response_action": "errors", "errors": {"day": NOT_OURS}}
    assert _schedule(env) is None


def test_a_form_opened_for_someone_else_or_changed_saves_nothing(segmented: Running) -> None:
    """A form's signed metadata moved to another user's form, and one with a byte changed."""
    env, slack = segmented, segmented.slack
    sam = slack.add_user("sam")
    with slack.workspace.lock:
        slack.workspace.channel(env.channel).members.add(sam)
    sams = _open_modal(env, sam)["private_metadata"]
    _open_modal(env, env.user)
    view = slack.workspace.views.views[slack.open_modal(env.user)["id"]]
    for forged in (sams, view["private_metadata"][:-1] + "0"):
        view["private_metadata"] = forged
        answer = json.loads(slack.submit_view(env.user).body)
        assert answer == {"response_action": "errors", "errors": {"day": NOT_OURS}}
    assert _schedule(env) is None


def test_a_form_submitted_after_leaving_the_channel_or_naming_another_saves_nothing(
    segmented: Running,
) -> None:
    env, slack = segmented, segmented.slack
    sam = slack.add_user("sam")
    _open_modal(env, sam)
    with slack.workspace.lock:  # sam leaves the channel while the form is open
        slack.workspace.channel(env.channel).members.discard(sam)
    assert slack.submit_view(sam).body == ""  # Slack closes the form; the answer comes apart
    told = slack.wait_for("chat.postMessage", where=lambda c: "not a member" in str(c.body))
    assert told[-1].body["channel"] == sam  # by DM: they are not in the channel any more
    assert "nothing was saved" in told[-1].body["text"]
    assert _schedule(env) is None
    # A form whose hidden channel was swapped for one the submitter is not in saves nothing.
    other = slack.add_channel("finance", members=[slack.add_user("fay")])
    _open_modal(env, env.user)
    view = slack.workspace.views.views[slack.open_modal(env.user)["id"]]
    view["private_metadata"] = seal(
        env.settings.metadata_key, {"channel": other, "origin": "results"}, user_id=env.user
    )  # as if the key were known: the membership check at submission still holds
    assert slack.submit_view(env.user).body == ""
    slack.wait_for("chat.postMessage", 2, where=lambda c: "not a member" in str(c.body))
    with storage.connect(env.settings.db_path) as db:
        assert storage.schedule_for(db, Scope(slack.team_id, other)) is None
    assert _schedule(env) is None


def test_the_button_without_a_dataset_any_more_answers_plainly(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    replies = [
        r
        for m in slack.messages(env.channel)
        for r in slack.messages(env.channel, thread_ts=m["ts"])
    ]
    results = next(m for m in replies if "schedule_digest" in json.dumps(m.get("blocks")))
    other = slack.add_channel("empty", members=[env.user])
    # The results, copied to a channel where the bot has no data.
    keep = ("user", "bot_id", "app_id", "text", "blocks")
    slack.workspace.post(other, {k: v for k, v in results.items() if k in keep})
    copy = slack.messages(other)[-1]
    slack.click_button(
        channel_id=other, user_id=env.user, message_ts=copy["ts"], action_id="schedule_digest"
    )
    slack.wait_for("hook", where=lambda c: "no dataset yet" in str(c.body))
    assert not slack.calls("views.open") and slack.open_modal(env.user) is None
