"""The bot's HTTP edge under abuse: huge or half-sent bodies, bad timestamps, odd k and button
values, a burst of commands. The real Bolt app behind ``bot.http``'s server, driven by raw
sockets and by the local Slack's signed requests; after each case the bot still answers."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from bot import http as bot_http
from bot.errors import GONE
from tests.bot.conftest import Running
from tests.bot.helpers import say

K_ANSWER = "k is the number of segments, a whole number from"


def address(env: Running) -> tuple[str, int]:
    url = urlsplit(env.slack.app_url or "")
    return url.hostname or "", url.port or 0


def raw_request(env: Running, head: str, body: bytes = b"", timeout: float = 5) -> bytes:
    """Send ``head`` (request line and headers) and ``body``; return what the server answers."""
    with socket.create_connection(address(env), timeout=timeout) as s:
        s.sendall(head.encode("utf-8") + b"\r\n" + body)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


def alive(env: Running) -> None:
    assert "/segment" in say(env.slack, "help", channel=env.channel, user=env.user)


def test_a_huge_body_is_refused_before_it_is_read(running: Running) -> None:
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Length: {300 * 1024 * 1024}\r\nX-Slack-Signature: v0=bad\r\n"
        f"X-Slack-Request-Timestamp: {int(time.time())}\r\n"
    )
    started = time.monotonic()
    answer = raw_request(running, head)  # not one byte of the body sent: no need to read it
    assert answer.startswith(b"HTTP/1.0 413") and b"limited to" in answer
    assert time.monotonic() - started < 2
    alive(running)


@pytest.mark.parametrize("stamp", ["abc", "١٧٠٠٠٠٠٠٠٠", "1e9", "", "-5", "9" * 5000])
def test_a_malformed_timestamp_is_401_not_500(running: Running, stamp: str) -> None:
    body = b"command=%2Fsegment&text=help"
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nX-Slack-Signature: v0=00\r\n"
        f"X-Slack-Request-Timestamp: {stamp}\r\n"
    )
    assert raw_request(running, head, body).startswith(b"HTTP/1.0 401")
    alive(running)


def test_bad_content_length_is_400(running: Running) -> None:
    head = "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1_0\r\n"
    assert raw_request(running, head).startswith(b"HTTP/1.0 400")


def test_idle_and_half_sent_requests_free_their_threads(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot_http, "IDLE_SECONDS", 0.5)
    monkeypatch.setattr(bot_http, "REQUEST_SECONDS", 1.5)
    before = threading.active_count()
    sockets = []
    for i in range(40):
        s = socket.create_connection(address(running))
        if i % 3 == 1:  # headers, then half the body
            s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        elif i % 3 == 2:  # headers trickling in, one byte at a time below the idle timeout
            s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
        sockets.append(s)
    held = time.monotonic() + 3  # a loaded machine may take a while to accept them all
    while threading.active_count() < before + 30 and time.monotonic() < held:
        time.sleep(0.05)
    assert threading.active_count() >= before + 30  # each connection holds a thread...
    for _ in range(5):
        for s in sockets[2::3]:
            with contextlib.suppress(OSError):  # the server hangs up at the request deadline
                s.sendall(b"X")
        time.sleep(0.4)
    deadline = time.monotonic() + 10
    while threading.active_count() > before + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert threading.active_count() <= before + 2  # ...until its deadline, then it is freed
    for s in sockets[1::3]:  # the half-sent body was answered 408 before the close
        assert s.recv(100).startswith(b"HTTP/1.0 408")
    for s in sockets:
        s.close()
    alive(running)


@pytest.mark.parametrize("k", ["²", "٤", "４", "9" * 5000, "3.0", "-2", "0x4"])
def test_unicode_and_odd_k_get_the_plain_k_answer(running: Running, k: str) -> None:
    text = say(running.slack, f"run k={k}", channel=running.channel, user=running.user)
    assert K_ANSWER in text and "Something went wrong" not in text
    assert len(text) < 300  # a long k is not echoed whole


def controls_with(env: Running, select_value: str, button_value: str) -> str:
    """A message carrying the results controls with the given values; its ts."""
    blocks = [
        {
            "type": "actions",
            "block_id": "controls-x",
            "elements": [
                {
                    "type": "button",
                    "action_id": "export_csv",
                    "text": {"type": "plain_text", "text": "Export CSV"},
                    "value": button_value,
                },
                {
                    "type": "static_select",
                    "action_id": "rerun_k",
                    "options": [
                        {"text": {"type": "plain_text", "text": "3"}, "value": select_value}
                    ],
                },
            ],
        }
    ]
    ws = env.slack.workspace
    posted = ws.post(env.channel, {"user": ws.bot_user_id, "text": "results", "blocks": blocks})
    return posted["ts"]


def answer_after(env: Running, act: object) -> str:
    before = len(env.slack.ephemeral(env.channel, env.user))
    assert act().status == 200  # type: ignore[operator]
    deadline = time.monotonic() + 10
    while len(env.slack.ephemeral(env.channel, env.user)) <= before:
        assert time.monotonic() < deadline, "no answer to the click"
        time.sleep(0.02)
    return env.slack.ephemeral(env.channel, env.user)[-1]["text"]


@pytest.mark.parametrize("value", ["²", "abc", "1" * 40, "", "-1", "١"])
def test_button_values_that_are_not_run_ids_get_a_plain_answer(
    running: Running, value: str
) -> None:
    slack, ch, user = running.slack, running.channel, running.user
    ts = controls_with(running, f"{value}:3", value)
    click = lambda: slack.click_button(  # noqa: E731
        channel_id=ch, user_id=user, message_ts=ts, action_id="export_csv", value=value or " "
    )
    assert answer_after(running, click) == GONE
    choose = lambda: slack.choose_option(  # noqa: E731
        channel_id=ch, user_id=user, message_ts=ts, action_id="rerun_k", selected_value=f"{value}:3"
    )
    assert answer_after(running, choose) == GONE
    alive(running)


def test_a_rerun_select_with_a_unicode_k_gets_the_plain_k_answer(segmented: Running) -> None:
    env = segmented
    ts = controls_with(env, "1:²", "1")
    choose = lambda: env.slack.choose_option(  # noqa: E731
        channel_id=env.channel, user_id=env.user, message_ts=ts, action_id="rerun_k",
        selected_value="1:²",
    )  # fmt: skip
    assert K_ANSWER in answer_after(env, choose)


def test_200_concurrent_help_commands_are_all_acknowledged_quickly(running: Running) -> None:
    slack, ch, user = running.slack, running.channel, running.user
    barrier = threading.Barrier(200)

    def one(_: int) -> tuple[int, float]:
        barrier.wait()
        started = time.perf_counter()
        status = slack.send_command("help", channel_id=ch, user_id=user).status
        return status, time.perf_counter() - started

    with ThreadPoolExecutor(200) as pool:
        results = list(pool.map(one, range(200)))
    assert all(status == 200 for status, _ in results)
    slowest = sorted(t for _, t in results)[int(0.99 * 200) - 1]
    assert slowest < 3.0, f"p99 ack {slowest:.2f} s"  # generous: CI machines are slow
    alive(running)
