"""The local Slack's Web API side, driven by the real slack_sdk WebClient over HTTP."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from localslack import LocalSlack
from localslack.state import Hook


@pytest.fixture
def client(slack: LocalSlack) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)


def _get(url: str, token: str | None = None) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(url, headers=headers), timeout=5) as resp:
        return resp.status, resp.headers["Content-Type"], resp.read()


def test_auth_test_identity_scopes_and_bad_tokens(slack: LocalSlack, client: WebClient) -> None:
    resp = client.auth_test()
    assert (resp["team_id"], resp["user_id"], resp["bot_id"]) == ("T0LOCAL", "U0BOT", "B0BOT")
    assert "files:read" in resp.headers["x-oauth-scopes"]
    bad = WebClient(token="xoxb-wrong", base_url=slack.api_url)
    with pytest.raises(SlackApiError) as err:
        bad.auth_test()
    assert err.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as err:
        client.api_call("no.such_method")
    assert (err.value.response.status_code, err.value.response["error"]) == (200, "unknown_method")
    assert [c.method for c in slack.calls()] == ["auth.test", "auth.test", "no.such_method"]
    assert slack.calls("auth.test")[0].headers["authorization"] == "Bearer xoxb-local-token"


def test_post_message_threads_and_membership(slack: LocalSlack, client: WebClient) -> None:
    general = slack.add_channel("general")
    outside = slack.add_channel("outside", bot_member=False)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    first = client.chat_postMessage(channel=general, text="hi", blocks=blocks)
    reply = client.chat_postMessage(channel=general, text="in thread", thread_ts=first["ts"])
    # A form-encoded body (params=) must work as well as the JSON body chat_postMessage sends.
    form = client.api_call("chat.postMessage", params={"channel": general, "text": "form"})
    assert float(first["ts"]) < float(reply["ts"]) < float(form["ts"])
    assert slack.calls("chat.postMessage")[0].body["blocks"] == blocks
    assert slack.calls("chat.postMessage")[2].body == {"channel": general, "text": "form"}
    top = slack.messages(general)
    assert [m["text"] for m in top] == ["hi", "form"]
    assert top[0]["blocks"] == blocks and top[0]["reply_count"] == 1
    assert [m["text"] for m in slack.messages(general, thread_ts=first["ts"])] == ["in thread"]
    for channel, error in (("C0NOPE", "channel_not_found"), (outside, "not_in_channel")):
        with pytest.raises(SlackApiError) as err:
            client.chat_postMessage(channel=channel, text="x")
        assert err.value.response["error"] == error
    client.conversations_join(channel=outside)
    assert client.chat_postMessage(channel=outside, text="now in")["ok"]


def test_update_delete_and_ephemeral(slack: LocalSlack, client: WebClient) -> None:
    ana = slack.add_user("ana")
    channel = slack.add_channel("general", members=[ana])
    ts = client.chat_postMessage(channel=channel, text="working…")["ts"]
    client.chat_update(channel=channel, ts=ts, text="done")
    assert slack.messages(channel)[0]["text"] == "done"
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel=channel, ts="1.000001", text="x")
    assert err.value.response["error"] == "message_not_found"
    client.chat_postEphemeral(channel=channel, user=ana, text="only you")
    assert [(m["user"], m["text"]) for m in slack.ephemeral(channel)] == [(ana, "only you")]
    with pytest.raises(SlackApiError) as err:
        client.api_call("chat.postEphemeral", json={"channel": channel, "text": "x"})
    assert err.value.response["error"] == "invalid_arguments"
    client.chat_delete(channel=channel, ts=ts)
    assert slack.messages(channel) == []


def test_files_upload_v2_two_files_in_a_thread(slack: LocalSlack, client: WebClient) -> None:
    channel = slack.add_channel("reports")
    parent = client.chat_postMessage(channel=channel, text="Segmentation done")["ts"]
    resp = client.files_upload_v2(
        channel=channel,
        thread_ts=parent,
        initial_comment="Here are the results",
        file_uploads=[
            {"filename": "segments.csv", "content": b"id,segment\n1,VIP\n", "title": "Segments"},
            {"filename": "chart.png", "content": b"\x89PNG fake", "title": "Chart"},
        ],
    )
    files = resp["files"]
    assert [(f["name"], f["title"], f["filetype"]) for f in files] == [
        ("segments.csv", "Segments", "csv"),
        ("chart.png", "Chart", "png"),
    ]
    assert [c.response for c in slack.calls("upload")] == ["OK - 17", "OK - 9"]
    (message,) = slack.messages(channel, thread_ts=parent)
    assert message["text"] == "Here are the results"
    assert [f["id"] for f in message["files"]] == [f["id"] for f in files]
    assert slack.file_bytes(files[0]["id"]) == b"id,segment\n1,VIP\n"
    info = client.files_info(file=files[1]["id"])["file"]
    share = info["shares"]["public"][channel][0]
    assert (share["ts"], share["thread_ts"]) == (message["ts"], parent)


def test_complete_upload_errors(slack: LocalSlack, client: WebClient) -> None:
    outside = slack.add_channel("outside", bot_member=False)
    with pytest.raises(SlackApiError) as err:
        client.files_upload_v2(channel=outside, filename="a.csv", content=b"a\n")
    assert err.value.response["error"] == "not_in_channel"
    pending = client.files_getUploadURLExternal(filename="b.csv", length=3)["file_id"]
    with pytest.raises(SlackApiError) as err:
        client.files_completeUploadExternal(files=[{"id": pending}])
    assert err.value.response["error"] == "file_not_found"


def test_private_file_urls_need_the_token(slack: LocalSlack) -> None:
    ana = slack.add_user("ana")
    f = slack.add_file(name="export.xlsx", content=b"PK\x03\x04data", user=ana)
    assert f["url_private_download"].startswith(slack.url + "/files-pri/T0LOCAL-")
    status, ctype, body = _get(f["url_private_download"], slack.bot_token)
    assert (status, body) == (200, b"PK\x03\x04data") and "spreadsheetml" in ctype
    for token in (None, "xoxb-wrong"):
        status, ctype, body = _get(f["url_private"], token)
        assert status == 200 and ctype.startswith("text/html")
        assert body.startswith(b"<!DOCTYPE html>")
    assert [c.method for c in slack.calls()] == ["files-pri"] * 3


def test_conversations_and_users(slack: LocalSlack, client: WebClient) -> None:
    ana = slack.add_user("ana", tz="America/New_York")
    secret = slack.add_channel("secret", is_private=True, bot_member=False)
    public = slack.add_channel("public", bot_member=False)
    with pytest.raises(SlackApiError) as err:
        client.conversations_join(channel=secret)
    assert err.value.response["error"] == "method_not_supported_for_channel_type"
    assert client.conversations_join(channel=public)["channel"]["is_member"] is True
    assert client.conversations_info(channel=public)["channel"]["name"] == "public"
    dm = client.conversations_open(users=ana)["channel"]
    assert dm["id"].startswith("D") and dm["is_im"]
    assert client.conversations_open(users=[ana])["channel"]["id"] == dm["id"]
    user = client.users_info(user=ana)["user"]
    assert user["tz"] == "America/New_York" and user["tz_offset"] in (-18000, -14400)
    assert user["tz_label"] in ("Eastern Standard Time", "Eastern Daylight Time")


def test_injected_failures(slack: LocalSlack, client: WebClient) -> None:
    channel = slack.add_channel("general")
    slack.fail_next("chat.postMessage", retry_after=0)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel=channel, text="x")
    resp = err.value.response
    assert (resp.status_code, resp["error"], resp.headers["retry-after"]) == (
        429,
        "ratelimited",
        "0",
    )
    retrying = WebClient(token=slack.bot_token, base_url=slack.api_url)
    retrying.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    assert retrying.chat_postMessage(channel=channel, text="second try")["ok"]
    slack.fail_next("files.info", status=503, error="service_unavailable")
    slack.fail_next("conversations.join", error="ratelimited_custom", times=2)
    with pytest.raises(SlackApiError) as err:
        client.files_info(file="F1")
    assert err.value.response.status_code == 503
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            client.conversations_join(channel=channel)
        assert err.value.response["error"] == "ratelimited_custom"
    assert client.conversations_join(channel=channel)["ok"]
    slack.fail_next("upload", status=500, error="boom")
    with pytest.raises(urllib.error.HTTPError):
        client.files_upload_v2(channel=channel, filename="a.csv", content=b"a")


def test_response_url_posts(slack: LocalSlack) -> None:
    ana = slack.add_user("ana")
    channel = slack.add_channel("general", members=[ana])
    hook_id = slack.workspace.new_hook(Hook(channel_id=channel, user_id=ana))
    hook = WebhookClient(f"{slack.url}/hooks/commands/T0LOCAL/{hook_id}")
    assert (hook.send(text="just you").status_code, hook.send(text="x").body) == (200, "ok")
    hook.send(text="everyone", response_type="in_channel")
    assert [m["text"] for m in slack.ephemeral(user_id=ana)] == ["just you", "x"]
    assert [m["text"] for m in slack.messages(channel)] == ["everyone"]
    assert slack.calls("hook")[0].body == {"text": "just you"}
    for _ in range(2):
        hook.send(text="more")
    assert hook.send(text="sixth").status_code == 404  # Slack allows 5 posts per response_url


def test_wait_for_reports_what_arrived(slack: LocalSlack, client: WebClient) -> None:
    client.auth_test()
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"(?s)expected 1 chat.postMessage.*auth.test"):
        slack.wait_for("chat.postMessage", timeout=0.2)
    assert time.monotonic() - started < 2
    assert len(slack.wait_for("auth.test", where=lambda c: c.ok)) == 1
