"""The local workspace's browser routes over real HTTP, with a tiny real Bolt app as the bot.

The bot is served by wsgiref and talks to the local Web API through the real WebClient; the
tests play the page: they long-poll ``/local/state`` and post to ``/local/...`` as app.js does.
"""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from localslack import LocalSlack
from localslack.run import LocalWorkspace, run_local_workspace

from .toybot import PNG, serve, toy_bot

SAMPLE = ("sample-orders.csv", b"InvoiceNo,CustomerID\n536365,17850\n")
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def space() -> Iterator[LocalWorkspace]:
    with LocalWorkspace(
        lambda local: serve(toy_bot(local)), port=0, sample_export=lambda: SAMPLE
    ) as s:
        yield s


def http(
    space: LocalWorkspace,
    path: str,
    body: dict | bytes | None = None,
    *,
    headers: dict | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """GET (no body) or POST ``path`` on the local workspace; returns status, headers, bytes."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    hdrs = {"Content-Type": "application/json"} if isinstance(body, dict) else {}
    req = urllib.request.Request(space.url + path, data=data, headers={**hdrs, **(headers or {})})
    try:
        with _OPENER.open(req, timeout=30) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def api(space: LocalWorkspace, path: str, body: dict | bytes | None = None, **kw) -> dict:
    status, _, raw = http(space, path, body, **kw)
    data = json.loads(raw)
    data["_status"] = status
    return data


def state_until(
    space: LocalWorkspace, check, timeout: float = 10.0, *, path: str = "/local/state?as="
) -> dict:
    """Long-poll ``/local/state`` as the page does until ``check(state)`` is true."""
    deadline = time.monotonic() + timeout
    state = api(space, path)
    while not check(state):
        left = deadline - time.monotonic()
        assert left > 0, f"state never matched; last: {json.dumps(state)[:2000]}"
        state = api(space, f"{path}&since={state['revision']}&timeout={max(1, int(left))}")
    return state


def general(state: dict) -> list[dict]:
    cid = next(c["id"] for c in state["channels"] if c["name"] == "general")
    return state["messages"][cid]


def test_page_and_its_assets_are_served(space: LocalWorkspace) -> None:
    status, headers, html = http(space, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'src="/page/app.js"' in html and b'href="/page/app.css"' in html
    status, headers, _ = http(space, "/page/app.js")
    assert (status, headers["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert http(space, "/page/app.css")[1]["content-type"].startswith("text/css")
    assert http(space, "/nope")[0] == 404
    assert api(space, "/local/nope")["_status"] == 404


def test_state_lists_channels_user_and_waits_for_changes(space: LocalWorkspace) -> None:
    state = api(space, "/local/state")
    assert {c["name"] for c in state["channels"]} == {"general", "marketing"}
    assert all(c["is_member"] and c["bot_member"] for c in state["channels"])
    assert state["users"][state["me"]]["name"] == "you"
    assert state["has_sample"] is True and state["ephemeral"] == []

    started = time.monotonic()
    same = api(space, f"/local/state?since={state['revision']}&timeout=1")
    assert same["revision"] == state["revision"] and time.monotonic() - started >= 0.9

    channel = space.channels["general"]
    threading.Timer(0.2, lambda: space.local.workspace.post(channel, {"text": "x"})).start()
    started = time.monotonic()
    woke = api(space, f"/local/state?since={state['revision']}&timeout=20")
    assert woke["revision"] > state["revision"] and time.monotonic() - started < 5
    assert [m["text"] for m in general(woke)] == ["x"]


def test_message_reaches_bot_and_its_thread_reply_shows(space: LocalWorkspace) -> None:
    sent = api(space, "/local/message", {"channel": space.channels["general"], "text": "hello"})
    assert sent["ok"] is True
    state = state_until(space, lambda s: general(s) and general(s)[0].get("replies"))
    (msg,) = general(state)
    assert (msg["text"], msg["user"], msg["reply_count"]) == ("hello", state["me"], 1)
    assert [r["text"] for r in msg["replies"]] == ["hi there"]
    assert msg["replies"][0]["bot_id"] == space.local.bot_id


def test_reply_in_thread_is_stored_in_the_thread(space: LocalWorkspace) -> None:
    channel = space.channels["marketing"]
    parent = api(space, "/local/message", {"channel": "#marketing", "text": "parent"})
    api(space, "/local/message", {"channel": channel, "text": "child", "thread_ts": parent["ts"]})
    replies = space.local.messages(channel, thread_ts=parent["ts"])
    assert [r["text"] for r in replies] == ["child"]


def test_slash_command_answer_is_ephemeral_for_the_local_user(space: LocalWorkspace) -> None:
    ok = api(
        space, "/local/message", {"channel": space.channels["general"], "text": "/segment help"}
    )
    assert ok == {"ok": True, "app_status": 200, "_status": 200}
    state = state_until(space, lambda s: s["ephemeral"])
    (eph,) = state["ephemeral"]
    assert eph["channel"] == space.channels["general"] and eph["text"] == "segbot help"
    assert eph["blocks"][0]["text"]["text"] == "*How to use segbot*"
    assert general(state) == []  # Slack does not post the command itself


def test_upload_shares_file_and_bot_replies_with_chart(space: LocalWorkspace) -> None:
    q = f"/local/upload?channel={space.channels['general']}&name=orders%20q1.csv"
    up = api(space, q, b"a,b\n1,2\n")
    assert up["ok"] is True and up["app"] == [200, 200]

    def has_chart(s: dict) -> bool:
        return bool(general(s)) and len(general(s)[0].get("replies", [])) == 2

    state = state_until(space, has_chart)
    (msg,) = general(state)
    (csv,) = msg["files"]
    assert (csv["name"], csv["local_url"]) == ("orders q1.csv", f"/local/files/{csv['id']}")
    status, headers, content = http(space, csv["local_download"])
    assert (status, content) == (200, b"a,b\n1,2\n")
    assert headers["content-type"] == "text/csv"
    assert headers["content-disposition"] == "attachment; filename*=UTF-8''orders%20q1.csv"

    summary, chart_msg = msg["replies"]
    assert summary["blocks"][0]["text"]["text"] == "*Segments* of orders q1.csv"
    (chart,) = chart_msg["files"]
    status, headers, content = http(space, chart["local_url"])
    assert (status, headers["content-type"], content) == (200, "image/png", PNG)
    assert headers["content-disposition"].startswith("inline;")


def test_sample_button_shares_the_injected_export(space: LocalWorkspace) -> None:
    assert api(space, "/local/sample", {"channel": space.channels["general"]})["ok"] is True
    state = state_until(space, lambda s: general(s) and len(general(s)[0].get("replies", [])) == 2)
    (msg,) = general(state)
    assert msg["files"][0]["name"] == "sample-orders.csv"
    assert http(space, msg["files"][0]["local_download"])[2] == SAMPLE[1]


def test_sample_without_provider_is_404() -> None:
    with LocalWorkspace(lambda local: serve(toy_bot(local)), port=0) as space:
        assert api(space, "/local/state")["has_sample"] is False
        answer = api(space, "/local/sample", {"channel": space.channels["general"]})
        assert (answer["_status"], answer["error"]) == (404, "no_sample_export")


def test_button_and_select_reach_the_bot(space: LocalWorkspace) -> None:
    api(space, "/local/sample", {"channel": space.channels["general"]})
    state = state_until(space, lambda s: general(s) and len(general(s)[0].get("replies", [])) == 2)
    summary = general(state)[0]["replies"][0]
    click = {"channel": space.channels["general"], "message_ts": summary["ts"]}
    answer = api(space, "/local/action", {**click, "action_id": "export_csv", "value": "run-1"})
    assert answer["ok"] is True

    state = state_until(space, lambda s: len(general(s)[0].get("replies", [])) == 3)
    export = general(state)[0]["replies"][2]["files"][0]
    assert export["name"] == "segments.csv"
    assert http(space, export["local_download"])[2] == b"customer,segment\n1,run-1\n"

    pick = {**click, "action_id": "pick_segment", "selected_value": "loyal"}
    assert api(space, "/local/action", pick)["ok"] is True
    state = state_until(space, lambda s: s["ephemeral"])
    assert state["ephemeral"][0]["text"] == "You picked loyal"


def test_bad_requests_are_refused(space: LocalWorkspace) -> None:
    general_id = space.channels["general"]
    assert api(space, "/local/message", {"channel": general_id, "text": " "})["_status"] == 400
    nowhere = api(space, "/local/message", {"channel": "C404", "text": "hi"})
    assert (nowhere["_status"], nowhere["error"]) == (400, "channel_not_found")
    missing = api(
        space, "/local/action", {"channel": general_id, "message_ts": "1.2", "action_id": "x"}
    )
    assert missing["_status"] == 400
    assert api(space, f"/local/upload?channel={general_id}", b"x")["error"] == "missing_name"
    assert api(space, "/local/files/F404")["_status"] == 400
    evil = {"Origin": "http://evil.example"}
    cross = api(space, "/local/message", {"channel": general_id, "text": "hi"}, headers=evil)
    assert (cross["_status"], cross["error"]) == (403, "cross_origin")
    assert space.local.messages(general_id) == []


def test_bot_failure_is_reported_to_the_page() -> None:
    def broken_bot(local: LocalSlack) -> str:
        return "http://127.0.0.1:9/slack/events"  # nothing listens: the command cannot be delivered

    with LocalWorkspace(broken_bot, port=0) as space:
        space.local.app_client.timeout = 2
        answer = api(space, "/local/message", {"channel": space.channels["general"], "text": "/x"})
        assert answer["_status"] == 502
        assert answer["error"].startswith("The app could not be reached:")


def test_run_local_workspace_says_where_and_stops() -> None:
    out, stop, closed = io.StringIO(), threading.Event(), threading.Event()

    @dataclass
    class Bot:
        url: str = "http://127.0.0.1:9/slack/events"

        def close(self) -> None:
            closed.set()

    runner = threading.Thread(
        target=run_local_workspace,
        args=(lambda local: Bot(),),
        kwargs={"port": 0, "out": out, "stop": stop},
    )
    runner.start()
    deadline = time.monotonic() + 5
    while "segbot local workspace" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    runner.join(5)
    line = out.getvalue().splitlines()[0]
    assert line.startswith("segbot local workspace: http://127.0.0.1:")
    assert line.endswith("(local only — bound to 127.0.0.1)")
    assert closed.is_set() and not runner.is_alive()


def test_busy_port_is_a_one_line_error(space: LocalWorkspace) -> None:
    with pytest.raises(SystemExit, match="is already in use"):
        run_local_workspace(lambda local: "http://127.0.0.1:9/", port=space.local.port)
