"""The App Home: ``app_home_opened`` → ``views.publish`` with the user's channels and buttons.

End to end: the real Bolt app, the local Slack sending signed events and view ``block_actions``.
"""

from __future__ import annotations

import json

import storage
from bot.sealing import unseal
from storage import Scope
from tests.bot.conftest import Running


def _home(env: Running, user: str, publishes: int = 1) -> dict:
    """Open the Home tab as ``user``; return the view the bot published."""
    slack = env.slack
    before = len(slack.calls("views.publish"))
    assert slack.open_app_home(user).status == 200
    call = slack.wait_for("views.publish", before + publishes)[-1]
    assert call.ok, call.response
    return slack.home_view(user)


def _text(view: dict) -> str:
    return json.dumps(view["blocks"])


def _click(env: Running, action_id: str) -> dict:
    """Click ``action_id`` on the first card; return the home republished after it."""
    slack = env.slack
    before = len(slack.calls("views.publish"))
    assert slack.click_in_view(user_id=env.user, action_id=action_id).status == 200
    slack.wait_for("views.publish", before + 1)
    return slack.home_view(env.user)


def test_a_user_sharing_no_channel_gets_a_welcome(running: Running) -> None:
    env, slack = running, running.slack
    home = _home(env, env.user)  # in #marketing with the bot, but nothing shared there yet
    assert "We don't share a channel with results yet" in _text(home)
    assert "/invite @segbot" in _text(home) and "home_show_results" not in _text(home)
    stranger = slack.add_user("zoe")
    assert "share an export in a channel with me" in _text(_home(env, stranger)).lower()
    assert slack.open_app_home(stranger, tab="messages").status == 200  # nothing to publish
    assert len(slack.calls("views.publish")) == 2


def test_the_home_lists_the_users_channels_with_their_runs(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    home = _home(env, env.user)
    text = _text(home)
    assert f"<#{env.channel}>" in text and "small.csv" in text and "Latest run: k = " in text
    assert "Weekly digest: off." in text
    actions = next(b for b in home["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "home_show_results",
        "home_schedule_digest",
        "home_export_csv",
    ]
    assert {e["value"] for e in actions["elements"]} == {env.channel}

    # Someone not in #marketing never sees it, even though the bot has data there.
    bob = slack.add_user("bob")
    slack.add_channel("random", members=[bob])
    assert f"<#{env.channel}>" not in _text(_home(env, bob))
    assert "We don't share a channel with results yet" in _text(slack.home_view(bob))


def test_show_results_and_export_from_the_home(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    _home(env, env.user)
    home = _click(env, "home_show_results")
    posted = slack.wait_for("chat.postEphemeral")[-1]
    assert posted.body["channel"] == env.channel and posted.body["user"] == env.user
    assert "export_csv" in json.dumps(posted.body["blocks"])
    assert "I've posted the latest results in" in _text(home)

    home = _click(env, "home_export_csv")
    slack.wait_for("files.completeUploadExternal")
    assert "in a direct message" in _text(home)
    assert f"<#{env.channel}>" in _text(home)  # the cards are still there under the notice


def test_schedule_from_the_home_then_the_card_shows_it(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    _home(env, env.user)
    assert slack.click_in_view(user_id=env.user, action_id="home_schedule_digest").status == 200
    assert slack.wait_for("views.open")[-1].ok
    modal = slack.open_modal(env.user)
    assert unseal(env.settings.metadata_key, modal["private_metadata"], user_id=env.user) == {
        "channel": env.channel, "origin": "home",
    }  # fmt: skip
    publishes = len(slack.calls("views.publish"))
    assert slack.submit_view(env.user, {"day": "2", "time": "08:30"}).body == ""
    slack.wait_for("views.publish", publishes + 1)
    text = _text(slack.home_view(env.user))
    assert "Weekly digest: every Wednesday at 08:30 (Europe/London); next Wed" in text
    assert "Done: I'll post the segment digest here every Wednesday at 08:30" in text
    with storage.connect(env.settings.db_path) as db:
        assert storage.schedule_for(db, Scope(slack.team_id, env.channel)).weekday == 2


def test_a_user_who_left_the_channel_is_told_plainly(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    _home(env, env.user)
    with slack.workspace.lock:
        slack.workspace.channels[env.channel].members.discard(env.user)
    home = _click(env, "home_show_results")
    assert "You're not a member of that channel any more" in _text(home)
    assert f"<#{env.channel}>" not in _text(home).split("not a member")[1]
    assert not slack.calls("chat.postEphemeral")


def test_the_manifest_turns_the_home_tab_and_its_event_on() -> None:
    from pathlib import Path

    manifest = (Path(__file__).resolve().parents[2] / "manifest.yml").read_text()
    assert "home_tab_enabled: true" in manifest and "- app_home_opened\n" in manifest
    for scope in ("channels:read", "groups:read", "users:read"):  # users.conversations, members, tz
        assert f"- {scope}\n" in manifest, scope


def test_a_rate_limited_member_list_says_the_home_may_be_incomplete(segmented: Running) -> None:
    """Slack answers 429 to every try of conversations.members (the client waits out two):
    the channel is not shown, and the home says the list may be incomplete."""
    env, slack = segmented, segmented.slack
    slack.fail_next("conversations.members", status=429, retry_after=0, times=3)
    home = _home(env, env.user)
    assert home["blocks"][1]["text"]["text"] == (
        ":information_source: This list of channels may be incomplete: Slack asked me to slow "
        "down while I checked who is in them. Try again in a minute."
    )
    assert f"<#{env.channel}>" not in _text(home)
    assert len(slack.calls("conversations.members")) == 3
    again = _home(env, env.user)  # a minute later: the whole list
    assert f"<#{env.channel}>" in _text(again) and "incomplete" not in _text(again)


def test_a_home_button_for_a_channel_deleted_since_answers_plainly(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    _home(env, env.user)
    with slack.workspace.lock:
        del slack.workspace.channels[env.channel]
    home = _click(env, "home_show_results")
    assert home["blocks"][1]["text"]["text"] == (
        ":information_source: That channel no longer exists (or I was removed from it), so "
        "there is nothing to show."
    )
    assert not slack.calls("chat.postEphemeral")


def test_a_home_button_slack_cannot_check_now_says_try_again(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    _home(env, env.user)
    slack.fail_next("conversations.members", status=429, retry_after=0, times=3)
    home = _click(env, "home_show_results")
    assert home["blocks"][1]["text"]["text"] == (
        ":information_source: Slack would not tell me who is in that channel just now: try "
        "again in a minute."
    )
    assert not slack.calls("chat.postEphemeral")
