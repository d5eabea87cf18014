"""Slack failing (429, 5xx, ``ok: false``) on each method an upload uses: never silence.

The results and charts arrive, or the thread says what is missing. Failures are injected
into the LocalSlack the bot talks to; the WebClient's retry handlers (2 retries) apply. 5xx
faults carry an error other than LocalSlack's default ``not_in_channel``, which the bot
answers by joining the channel and trying again.
"""

from __future__ import annotations

import time

import pytest

import storage
import storage.runs
from tests.bot.conftest import Running
from tests.bot.helpers import thread_texts, wait_results

CHARTS_MISSING = "would not take the charts"


def share(env: Running, data: bytes, name: str = "small.csv") -> dict:
    return env.slack.share_file(channel_id=env.channel, user_id=env.user, name=name, content=data)


def wait_text(env: Running, ts: str, words: str, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while not any(words in t for t in thread_texts(env.slack, env.channel, ts)):
        assert time.monotonic() < deadline, thread_texts(env.slack, env.channel, ts)
        time.sleep(0.05)
    return thread_texts(env.slack, env.channel, ts)


@pytest.mark.parametrize(
    ("method", "fault"),
    [
        ("chat.postMessage", {"status": 429, "retry_after": 0, "times": 3}),  # status message
        ("chat.postMessage", {"status": 503, "error": "service_unavailable", "times": 3}),
        ("chat.update", {"status": 500, "error": "fatal_error", "times": 6}),
        ("chat.update", {"error": "message_not_found", "times": 20}),
        ("files.info", {"status": 500, "error": "fatal_error", "times": 3}),
    ],
)
def test_results_arrive_whatever_the_status_message_does(
    running: Running, sample_csv_bytes: bytes, method: str, fault: dict
) -> None:
    running.slack.fail_next(method, **fault)
    shared = share(running, sample_csv_bytes)
    (summary,) = wait_results(running.slack, running.channel)
    assert summary["thread_ts"] == shared["ts"]
    files = running.slack.messages(running.channel, thread_ts=shared["ts"])[-1]["files"]
    assert len(files) == 4


@pytest.mark.parametrize(
    ("method", "fault"),
    [
        ("files.getUploadURLExternal", {"error": "ratelimited", "times": 5}),
        ("files.getUploadURLExternal", {"status": 500, "error": "fatal_error", "times": 5}),
        ("files.completeUploadExternal", {"status": 429, "retry_after": 0, "times": 5}),
        ("upload", {"status": 500, "error": "fatal_error", "times": 5}),
    ],
)
def test_charts_that_cannot_be_uploaded_are_named_in_the_thread(
    running: Running, sample_csv_bytes: bytes, method: str, fault: dict
) -> None:
    running.slack.fail_next(method, **fault)
    shared = share(running, sample_csv_bytes)
    texts = wait_text(running, shared["ts"], CHARTS_MISSING)
    said = next(t for t in texts if CHARTS_MISSING in t)
    assert "`box-plots.png`" in said and "/segment run" in said
    assert any("export_csv" in str(m.get("blocks")) for m in running.slack.messages(
        running.channel, thread_ts=shared["ts"]
    ))  # fmt: skip
    wait_text(running, shared["ts"], "Done with")


def test_results_refused_are_posted_after_a_restart(
    running: Running, sample_csv_bytes: bytes, jobs, monkeypatch
) -> None:
    """Slack down when the results are ready: the job waits in SQLite; the next start posts it."""
    slack = running.slack
    shared = share(running, sample_csv_bytes)
    slack.wait_for("chat.postMessage")  # the status message is out
    slack.fail_next(
        "chat.postMessage", status=500, error="fatal_error", times=6
    )  # results, then the fallback word
    wait_text(running, shared["ts"], "Drawing charts")
    deadline = time.monotonic() + 30
    while sum(not c.ok for c in slack.calls("chat.postMessage")) < 6:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with storage.connect(running.settings.db_path) as db:
        (job,) = db["jobs"].rows
    assert job["state"] == "posting" and job["run_id"]
    monkeypatch.setattr(storage.runs, "PROCESS_TOKEN", "restarted")  # as a new process
    running.restart(jobs)
    (posted,) = slack.wait_for(
        "chat.postMessage", timeout=30, where=lambda c: c.ok and "export_csv" in str(c.body)
    )
    assert posted.body["thread_ts"] == shared["ts"]
    slack.wait_for("files.completeUploadExternal", timeout=30)
    wait_text(running, shared["ts"], "Done with")


def test_results_message_refused_is_said_in_the_thread(
    running: Running, sample_csv_bytes: bytes
) -> None:
    slack = running.slack
    shared = share(running, sample_csv_bytes)
    slack.wait_for("chat.postMessage")
    slack.fail_next("chat.postMessage", error="msg_too_long")
    texts = wait_text(running, shared["ts"], "would not take the results message")
    assert any("`msg_too_long`" in t and "/segment show" in t for t in texts)
