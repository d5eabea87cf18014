"""The page's routes for modals, the App Home, channels and people, with a tiny real Bolt app.

Bad input is answered as Slack answers it: a modal submitted twice or after it closed finds
nothing open, a submission the app does not answer keeps the modal with Slack's "trouble
connecting" line, ``view_closed`` goes out only for ``notify_on_close`` views, channel names
follow Slack's rules, and inviting someone twice says they are already there.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from localslack.browser import STARTING
from localslack.browser_http import TROUBLE
from localslack.run import LocalWorkspace

from .test_browser_api import api, state_until
from .test_views import MODAL, build_app
from .toybot import serve


@pytest.fixture
def seen() -> list:
    return []


@pytest.fixture
def space(seen: list) -> Iterator[LocalWorkspace]:
    bots = []

    def make_bot(local):
        bots.append(serve(build_app(local, seen)))
        return bots[-1]

    with LocalWorkspace(make_bot, port=0) as s:
        yield s


def open_modal(space: LocalWorkspace) -> dict:
    """Open the Home (the app publishes it), click its button: the app opens MODAL."""
    assert api(space, "/local/home", {})["ok"]
    home = state_until(space, lambda s: s["home"] is not None)["home"]
    clicked = api(
        space, "/local/view_action", {"surface": "home", "view_id": home["id"], "action_id": "pick"}
    )
    assert clicked["ok"], clicked
    return state_until(space, lambda s: s["modal"] is not None)["modal"]["view"]


def test_a_modal_submitted_with_errors_then_twice(space: LocalWorkspace, seen: list) -> None:
    view = open_modal(space)
    assert (view["title"]["text"], view["submit"]["text"]) == ("Pick a time", "Save")
    wrong = api(
        space,
        "/local/view_submit",
        {"view_id": view["id"], "values": {"time": "25:00", "day": "1"}},
    )
    assert wrong["errors"] == {"time": "That time does not exist."}
    shown = api(space, "/local/state")["modal"]
    assert (shown["view"]["id"], shown["errors"]) == (view["id"], wrong["errors"])
    submission = [b for k, b in seen if k == "submit"][-1]
    assert submission["type"] == "view_submission"
    assert submission["view"]["state"]["values"]["day"]["day"]["selected_option"]["value"] == "1"

    right = api(space, "/local/view_submit", {"view_id": view["id"], "values": {"time": "09:30"}})
    assert right == {"ok": True, "errors": {}, "_status": 200}
    assert api(space, "/local/state")["modal"] is None
    again = api(space, "/local/view_submit", {"view_id": view["id"], "values": {"time": "09:30"}})
    assert (again["_status"], again["error"]) == (400, "view_not_open")
    assert len([k for k, _ in seen if k == "submit"]) == 2


def test_a_modal_closed_or_submitted_after_the_bot_restarted(
    space: LocalWorkspace, seen: list
) -> None:
    view = open_modal(space)
    sent = len(space.local.deliveries("action"))
    assert api(space, "/local/view_close", {"view_id": view["id"], "all": True})["ok"]
    assert api(space, "/local/state")["modal"] is None
    assert len(space.local.deliveries("action")) == sent  # no notify_on_close: Slack sends nothing
    late = api(space, "/local/view_submit", {"view_id": view["id"], "values": {}})
    assert late["error"] == "view_not_open"

    view = open_modal(space)
    space.bot.close()  # the bot goes down with the modal open
    down = api(space, "/local/view_submit", {"view_id": view["id"], "values": {"time": "10:00"}})
    assert (down["_status"], down["error"]) == (502, TROUBLE)
    assert api(space, "/local/state")["modal"]["view"]["id"] == view["id"]  # still open

    restarted = serve(build_app(space.local, seen))  # a new process: nothing of the old one
    space.local.app_url = restarted.url
    try:
        done = api(
            space, "/local/view_submit", {"view_id": view["id"], "values": {"time": "10:00"}}
        )
        assert done == {"ok": True, "errors": {}, "_status": 200}
        assert [b for k, b in seen if k == "submit"][-1]["view"]["id"] == view["id"]
    finally:
        restarted.close()


def test_view_closed_only_with_notify_on_close_and_one_submission_at_a_time(space) -> None:
    local, got = space.local, []
    app = App(
        client=WebClient(token=local.bot_token, base_url=local.api_url),
        signing_secret=local.signing_secret,
    )
    app.view_closed("pick_time")(lambda ack, body: (ack(), got.append(body)))

    @app.view("pick_time")
    def slow(ack, body):
        time.sleep(1.0)
        ack()

    served = serve(app)
    local.app_url = served.url
    try:
        view = local.workspace.views.open(space.user_id, {**MODAL, "notify_on_close": True})
        answers = []
        submit = {"view_id": view["id"], "values": {}}
        first = threading.Thread(
            target=lambda: answers.append(api(space, "/local/view_submit", submit))
        )
        first.start()
        time.sleep(0.3)
        second = api(space, "/local/view_submit", submit)  # a double click, while the first waits
        first.join()
        assert (second["_status"], second["error"]) == (400, "view_submitting")
        assert answers[0]["ok"]

        view = local.workspace.views.open(space.user_id, {**MODAL, "notify_on_close": True})
        assert api(space, "/local/view_close", {"view_id": view["id"]})["ok"]
        assert [(b["type"], b["view"]["id"], b["is_cleared"]) for b in got] == [
            ("view_closed", view["id"], False)
        ]
    finally:
        served.close()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("store north", "invalid_name_specials"),
        ("shop-🛒", "invalid_name_specials"),
        ("Store", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("--", "invalid_name_punctuation"),
        ("", "invalid_name_required"),
        ("general", "name_taken"),
        ("sam", "name_taken"),
    ],
)
def test_channel_names_slack_refuses(space: LocalWorkspace, name: str, code: str) -> None:
    refused = api(space, "/local/channel", {"name": name})
    assert (refused["_status"], refused["ok"], refused["code"]) == (200, False, code)
    assert refused["error"].endswith(".")  # the sentence Slack's dialog shows


def test_channels_created_renamed_and_invited_once(space: LocalWorkspace) -> None:
    local = space.local
    assert api(space, "/local/channel", {"name": "x" * 80})["ok"]  # exactly 80 is allowed
    made = api(space, "/local/channel", {"name": "tienda-españa"})  # letters of any script
    cid = made["channel"]
    assert local.workspace.channel(cid).members == {space.user_id}
    taken = api(space, "/local/channel", {"channel": cid, "name": "marketing"})
    assert taken["code"] == "name_taken"
    assert api(space, "/local/channel", {"channel": cid, "name": "store-madrid"})["ok"]
    assert local.messages(cid)[-1]["subtype"] == "channel_name"

    invited = api(space, "/local/invite", {"channel": cid, "user": local.bot_user_id})
    assert invited["ok"] and len(invited["app"]) == 2  # the channel_join message, the join
    joined = [json.loads(d.body)["event"] for d in local.deliveries("event")][-1]
    assert (joined["type"], joined["user"], joined["channel"], joined["inviter"]) == (
        "member_joined_channel", local.bot_user_id, cid, space.user_id,
    )  # fmt: skip
    twice = api(space, "/local/invite", {"channel": cid, "user": local.bot_user_id})
    assert (twice["code"], twice["error"]) == (
        "already_in_channel",
        "segbot is already in this channel.",
    )
    events = len(local.deliveries("event"))
    said = api(space, "/local/message", {"channel": cid, "text": "/invite @segbot"})
    assert said["note"] == "segbot is already in this channel."
    assert local.ephemeral(cid, space.user_id)[-1]["username"] == "Slackbot"
    assert len(local.deliveries("event")) == events  # nothing more reached the bot


def test_people_see_their_own_channels_and_home(space: LocalWorkspace) -> None:
    sam = space.second_user_id
    secret = space.local.add_channel("secret", is_private=True, members=[space.user_id])
    theirs = api(space, f"/local/state?as={sam}")
    assert theirs["me"] == sam and theirs["people"] == [space.user_id, sam]
    names = {c["name"]: c["is_member"] for c in theirs["channels"]}
    assert names["general"] and not names["marketing"] and "secret" not in names
    assert api(space, f"/local/invite?as={sam}", {"channel": secret, "user": sam})["_status"] == 400
    stranger = api(space, "/local/state?as=U0NOBODY")
    assert (stranger["_status"], stranger["error"]) == (400, "unknown_user")
    assert api(space, f"/local/home?as={sam}", {})["ok"]
    mine = state_until(space, lambda s: s["home"] is not None, path=f"/local/state?as={sam}")
    assert mine["home"]["id"] == space.local.home_view(sam)["id"]
    assert api(space, "/local/state")["home"] is None  # a home is its person's only


def test_gestures_before_the_bot_is_up_are_answered_plainly(space: LocalWorkspace) -> None:
    space.local.app_url = None  # the page serves before the bot has started
    general = space.channels["general"]
    early = api(space, "/local/message", {"channel": general, "text": "/segment help"})
    assert (early["_status"], early["error"]) == (503, STARTING)
    assert api(space, "/local/state")["ok"]  # reading the workspace needs no bot
