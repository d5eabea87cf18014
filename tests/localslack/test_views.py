"""Views in the local Slack: views.open/push/update/publish checked as Slack checks them, and the
App Home, view buttons and modal submissions sent to a tiny real Bolt app, signed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from localslack import LocalSlack
from localslack.payloads import trigger_id

from .toybot import serve

MODAL = {
    "type": "modal",
    "callback_id": "pick_time",
    "private_metadata": json.dumps({"channel": "C1"}),
    "title": {"type": "plain_text", "text": "Pick a time"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "time",
            "label": {"type": "plain_text", "text": "Time"},
            "element": {"type": "timepicker", "action_id": "time", "initial_time": "09:00"},
        },
        {
            "type": "input",
            "block_id": "day",
            "label": {"type": "plain_text", "text": "Day"},
            "element": {
                "type": "static_select",
                "action_id": "day",
                "initial_option": {"text": {"type": "plain_text", "text": "Mon"}, "value": "0"},
                "options": [
                    {"text": {"type": "plain_text", "text": "Mon"}, "value": "0"},
                    {"text": {"type": "plain_text", "text": "Tue"}, "value": "1"},
                ],
            },
        },
    ],
}
HOME = {
    "type": "home",
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}},
        {
            "type": "actions",
            "block_id": "home",
            "elements": [
                {
                    "type": "button",
                    "action_id": "pick",
                    "value": "C1",
                    "text": {"type": "plain_text", "text": "Pick"},
                }
            ],
        },
    ],
}


def build_app(slack: LocalSlack, seen: list) -> App:
    app = App(
        client=WebClient(token=slack.bot_token, base_url=slack.api_url),
        signing_secret=slack.signing_secret,
    )

    @app.event("app_home_opened")
    def home(event, client):
        seen.append(("home", event))
        client.views_publish(user_id=event["user"], view=HOME)

    @app.action("pick")
    def pick(ack, body, client):
        ack()
        seen.append(("pick", body))
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("pick_time")
    def submitted(ack, body, view):
        seen.append(("submit", body))
        chosen = view["state"]["values"]["time"]["time"]["selected_time"]
        if chosen == "25:00":
            ack(response_action="errors", errors={"time": "That time does not exist."})
        else:
            ack()

    return app


@pytest.fixture
def seen(slack: LocalSlack) -> Iterator[list]:
    found: list = []
    served = serve(build_app(slack, found))
    slack.app_url = served.url
    yield found
    served.close()


def test_home_click_modal_and_submission_round_trip(slack: LocalSlack, seen: list) -> None:
    ana = slack.add_user("ana")
    assert slack.open_app_home(ana).status == 200
    slack.wait_for("views.publish")
    kind, event = seen[0]
    assert (kind, event["type"], event["tab"], event["user"]) == (
        "home",
        "app_home_opened",
        "home",
        ana,
    )
    assert event["channel"].startswith("D") and "view" not in event
    home = slack.home_view(ana)
    assert home["type"] == "home" and home["id"].startswith("V") and home["hash"]

    slack.open_app_home(ana)  # the second time the event carries the published home
    slack.wait_for("views.publish", 2)
    assert seen[1][1]["view"]["id"] == home["id"] == slack.home_view(ana)["id"]

    assert slack.click_in_view(user_id=ana, action_id="pick").status == 200
    slack.wait_for("views.open")
    click = next(b for k, b in seen if k == "pick")
    assert click["container"] == {"type": "view", "view_id": home["id"]}
    assert (
        "channel" not in click and "response_url" not in click and click["view"]["type"] == "home"
    )
    modal = slack.open_modal(ana)
    assert modal["callback_id"] == "pick_time" and json.loads(modal["private_metadata"]) == {
        "channel": "C1"
    }
    assert [v["id"] for v in slack.views("open", ana)] == [modal["id"]]

    resp = slack.submit_view(ana, {"time": "25:00"}, strict=False)
    assert resp.status == 200 and json.loads(resp.body)["response_action"] == "errors"
    assert slack.view_errors(modal["id"]) == {"time": "That time does not exist."}
    assert slack.open_modal(ana)["id"] == modal["id"]  # still open

    assert slack.submit_view(ana, {"time": "17:30", "day": "1"}).status == 200
    submitted = [b for k, b in seen if k == "submit"][-1]
    values = submitted["view"]["state"]["values"]
    assert values["time"]["time"] == {"type": "timepicker", "selected_time": "17:30"}
    assert values["day"]["day"]["selected_option"]["value"] == "1"
    assert submitted["type"] == "view_submission" and submitted["user"]["id"] == ana
    assert slack.open_modal(ana) is None  # an empty ack closes it


def test_strict_submission_refuses_what_slack_cannot_send(slack: LocalSlack) -> None:
    ana = slack.add_user("ana")
    slack.workspace.views.open(ana, MODAL)
    with pytest.raises(AssertionError, match="offers no option"):
        slack.submit_view(ana, {"day": "9"})
    with pytest.raises(AssertionError, match="cannot send"):
        slack.submit_view(ana, {"time": "9 am"})


def _client(slack: LocalSlack) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as e:
        call()
    return e.value.response.data


def test_trigger_ids_are_checked(slack: LocalSlack) -> None:
    ana = slack.add_user("ana")
    client = _client(slack)
    assert (
        _error(lambda: client.views_open(trigger_id="1.2.bogus", view=MODAL))["error"]
        == "invalid_trigger_id"
    )
    trigger = slack.workspace.views.issue_trigger(trigger_id(), ana)
    assert client.views_open(trigger_id=trigger, view=MODAL)["view"]["type"] == "modal"
    assert (
        _error(lambda: client.views_open(trigger_id=trigger, view=MODAL))["error"]
        == "exchanged_trigger_id"
    )
    slack.workspace.views.trigger_ttl = 0.0
    late = slack.workspace.views.issue_trigger(trigger_id(), ana)
    assert (
        _error(lambda: client.views_open(trigger_id=late, view=MODAL))["error"]
        == "expired_trigger_id"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": {"type": "plain_text", "text": "A title far longer than 24"}}, "/view/title"),
        ({"submit": None}, "submit is required"),
        ({"type": "home"}, "/view/type"),
        ({"private_metadata": "x" * 3001}, "/view/private_metadata"),
        ({"blocks": [{"type": "divider"}] * 101}, "no more than 100"),
        ({"blocks": [{"text": "no type"}]}, "missing required field: type"),
    ],
)
def test_bad_modals_are_refused(slack: LocalSlack, change: dict, message: str) -> None:
    ana = slack.add_user("ana")
    view = {k: v for k, v in {**MODAL, **change}.items() if v is not None}
    trigger = slack.workspace.views.issue_trigger(trigger_id(), ana)
    data = _error(lambda: _client(slack).views_open(trigger_id=trigger, view=view))
    assert data["error"] == "invalid_arguments"
    assert any(message in m for m in data["response_metadata"]["messages"])
    assert slack.open_modal(ana) is None


def test_publish_update_and_hash(slack: LocalSlack) -> None:
    ana = slack.add_user("ana")
    client = _client(slack)
    first = client.views_publish(user_id=ana, view=HOME)["view"]
    assert (
        _error(lambda: client.views_publish(user_id=ana, view=MODAL))["error"]
        == "invalid_arguments"
    )
    assert (
        _error(lambda: client.views_publish(user_id="U404", view=HOME))["error"] == "user_not_found"
    )
    stale = _error(lambda: client.views_publish(user_id=ana, view=HOME, hash="1.old"))
    assert stale["error"] == "hash_conflict"
    second = client.views_publish(user_id=ana, view=HOME, hash=first["hash"])["view"]
    assert second["id"] == first["id"] and second["hash"] != first["hash"]
    trigger = slack.workspace.views.issue_trigger(trigger_id(), ana)
    modal = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    retitled = {**MODAL, "title": {"type": "plain_text", "text": "Saved"}}
    updated = client.views_update(view_id=modal["id"], view=retitled)["view"]
    assert updated["id"] == modal["id"] and slack.open_modal(ana)["title"]["text"] == "Saved"
    assert _error(lambda: client.views_update(view_id="V404", view=MODAL))["error"] == "not_found"
    assert [how for how in ("open", "publish", "update") if slack.views(how, ana)] == [
        "open",
        "publish",
        "update",
    ]


def test_members_and_the_bots_conversations(slack: LocalSlack) -> None:
    ana, bob = slack.add_user("ana"), slack.add_user("bob")
    shared = slack.add_channel("shared", members=[ana])
    slack.add_channel("elsewhere", members=[ana, bob], bot_member=False)
    secret = slack.add_channel("secret", is_private=True, members=[bob], bot_member=False)
    client = _client(slack)
    assert set(client.conversations_members(channel=shared)["members"]) == {ana, slack.bot_user_id}
    assert (
        _error(lambda: client.conversations_members(channel=secret))["error"] == "channel_not_found"
    )
    mine = client.users_conversations(types="public_channel,private_channel")["channels"]
    assert [c["id"] for c in mine] == [shared]
    pages = [p["members"] for p in client.conversations_members(channel=shared, limit=1)]
    assert sorted(m for page in pages for m in page) == sorted([ana, slack.bot_user_id])
