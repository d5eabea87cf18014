"""The local Slack acting as Slack towards a tiny real Bolt app served over HTTP by wsgiref.

Every request must pass Bolt's signature check and reach the right listener; what the
listeners send back through the WebClient and response_url must land in the workspace.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from localslack import LocalSlack

from .toybot import serve


class Seen:
    """What the app's listeners received, with a way to wait for it."""

    def __init__(self) -> None:
        self.items: list[tuple[str, dict]] = []
        self._cond = threading.Condition()

    def add(self, kind: str, body: dict) -> None:
        with self._cond:
            self.items.append((kind, body))
            self._cond.notify_all()

    def wait(self, kind: str, count: int = 1) -> list[dict]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.of(kind)) >= count, timeout=5)
            return self.of(kind)

    def of(self, kind: str) -> list[dict]:
        return [body for k, body in self.items if k == kind]


def build_app(slack: LocalSlack, seen: Seen) -> App:
    app = App(
        client=WebClient(token=slack.bot_token, base_url=slack.api_url),
        signing_secret=slack.signing_secret,
    )

    @app.command("/segment")
    def segment(ack, body, respond, say):  # Bolt injects arguments by name
        if body["text"] == "ack-text":
            ack("Working on it")
        else:
            ack()
            respond(text=f"got {body['text']}")
        seen.add("command", body)

    @app.event({"type": "message", "subtype": "file_share"})
    def file_share(body, event):
        seen.add("file_share", body)

    @app.event("file_shared")
    def file_shared(body, say):
        seen.add("file_shared", body)
        say("thanks for the file")

    @app.event("message")
    def message(body):
        seen.add("message", body)

    @app.event("app_mention")
    def mention(body):
        seen.add("app_mention", body)

    @app.action("run")
    def run(ack, body, respond):
        ack()
        seen.add("action", body)
        respond(text="Running…", replace_original=True)

    @app.action("pick")
    def pick(ack, body):
        ack()
        seen.add("select", body)

    return app


@pytest.fixture
def seen(slack: LocalSlack) -> Iterator[Seen]:
    """Start the Bolt app behind wsgiref and point the local Slack at it."""
    found = Seen()
    served = serve(build_app(slack, found))
    slack.app_url = served.url
    yield found
    served.close()


def test_slash_command_reaches_listener_and_respond_lands(slack: LocalSlack, seen: Seen) -> None:
    ana = slack.add_user("ana")
    channel = slack.add_channel("marketing")
    status, body, _ = slack.send_command("show customers", channel_id=channel, user_id=ana)
    assert (status, body) == (200, "")
    (cmd,) = seen.wait("command")
    assert (cmd["command"], cmd["text"], cmd["channel_name"]) == (
        "/segment",
        "show customers",
        "marketing",
    )
    assert cmd["response_url"].startswith(slack.url + "/hooks/")
    slack.wait_for("hook")
    assert [m["text"] for m in slack.ephemeral(channel, ana)] == ["got show customers"]
    resp = slack.send_command("ack-text", channel_id=channel, user_id=ana)
    assert resp.status == 200 and resp.body == "Working on it"
    assert slack.ephemeral(channel, ana)[-1]["text"] == "Working on it"


def test_share_file_sends_both_events(slack: LocalSlack, seen: Seen) -> None:
    ana = slack.add_user("ana")
    channel = slack.add_channel("uploads")
    shared = slack.share_file(
        channel_id=channel,
        user_id=ana,
        name="orders.csv",
        content=b"a,b\n1,2\n",
        text="segment this",
    )
    assert [r.status for r in shared["responses"]] == [200, 200]
    (share,) = seen.wait("file_share")
    (event_only_id,) = seen.wait("file_shared")
    assert share["event_id"] != event_only_id["event_id"]
    event = share["event"]
    assert (event["channel"], event["user"], event["ts"]) == (channel, ana, shared["ts"])
    file_obj = event["files"][0]
    assert file_obj["url_private_download"] == shared["file"]["url_private_download"]
    assert event_only_id["event"]["file"] == {"id": file_obj["id"]}
    slack.wait_for("chat.postMessage")
    assert [m["text"] for m in slack.messages(channel)] == ["segment this", "thanks for the file"]
    assert slack.messages(channel)[0]["files"][0]["name"] == "orders.csv"


def test_messages_mentions_and_retries(slack: LocalSlack, seen: Seen) -> None:
    ana = slack.add_user("ana")
    channel = slack.add_channel("general")
    slack.send_message(channel_id=channel, user_id=ana, text="hello <@U0BOT>")
    assert seen.wait("message")[0]["event"]["text"] == "hello <@U0BOT>"
    assert seen.wait("app_mention")[0]["event"]["type"] == "app_mention"
    event = {"type": "message", "channel": channel, "user": ana, "text": "again", "ts": "1.000002"}
    assert slack.send_event(event, event_id="Ev1", retry_num=1).status == 200
    retried = seen.wait("message", 2)[-1]
    assert retried["event_id"] == "Ev1"
    delivery = slack.deliveries("event")[-1]
    assert delivery.headers["X-Slack-Retry-Num"] == "1"
    assert delivery.headers["X-Slack-Retry-Reason"] == "http_timeout"


def test_button_click_and_select(slack: LocalSlack, seen: Seen) -> None:
    ana = slack.add_user("ana")
    channel = slack.add_channel("general", members=[ana])
    blocks = [
        {
            "type": "actions",
            "block_id": "controls",
            "elements": [
                {
                    "type": "button",
                    "action_id": "run",
                    "value": "k=4",
                    "text": {"type": "plain_text", "text": "Run"},
                },
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [
                        {"text": {"type": "plain_text", "text": "VIP"}, "value": "vip"},
                        {"text": {"type": "plain_text", "text": "Lapsed"}, "value": "lapsed"},
                    ],
                },
            ],
        }
    ]
    client = WebClient(token=slack.bot_token, base_url=slack.api_url)
    ts = client.chat_postMessage(channel=channel, text="Pick", blocks=blocks)["ts"]
    assert (
        slack.click_button(channel_id=channel, user_id=ana, message_ts=ts, action_id="run").status
        == 200
    )
    (click,) = seen.wait("action")
    assert click["actions"][0]["value"] == "k=4" and click["message"]["blocks"] == blocks
    assert click["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": channel,
        "is_ephemeral": False,
    }
    slack.wait_for("hook")
    assert slack.messages(channel)[0]["text"] == "Running…"
    slack.choose_option(
        channel_id=channel, user_id=ana, message_ts=ts, action_id="pick", selected_value="lapsed"
    )
    (choice,) = seen.wait("select")
    assert choice["actions"][0]["selected_option"]["value"] == "lapsed"
    assert choice["state"]["values"]["controls"]["pick"]["selected_option"]["value"] == "lapsed"
    with pytest.raises(AssertionError, match="no element"):
        slack.click_button(channel_id=channel, user_id=ana, message_ts=ts, action_id="missing")


def test_bad_signature_and_stale_timestamp_are_rejected(slack: LocalSlack, seen: Seen) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc", "token": "t"})
    good = slack.app_client.signed_headers(body, content_type="application/json")
    assert json.loads(slack.send_raw(body, good).body) == {"challenge": "abc"}
    forged = {**good, "X-Slack-Signature": "v0=" + "0" * 64}
    assert slack.send_raw(body, forged).status == 401
    stale_ts = int(time.time()) - 301
    stale = slack.app_client.signed_headers(
        body, content_type="application/json", timestamp=stale_ts
    )
    assert slack.send_raw(body, stale).status == 401
