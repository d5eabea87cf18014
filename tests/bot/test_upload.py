"""Uploads end to end: a file shared in Slack → progress, summary and four charts in its thread."""

from __future__ import annotations

import time

from tests.bot.conftest import Running
from tests.bot.helpers import PNG, file_share_event, thread_texts, wait_results


def _check_results(env: Running, ts: str) -> None:
    slack, channel = env.slack, env.channel
    (summary,) = wait_results(slack, channel)
    assert summary["thread_ts"] == ts
    blocks = summary["blocks"]
    assert len(blocks) <= 50
    text = str(blocks)
    assert "Read 541,909 rows" in text and "Median recency" in text and "Revenue share" in text
    (upload,) = slack.calls("files.completeUploadExternal")
    assert upload.body["thread_ts"] == ts and upload.body["channel_id"] == channel
    files = slack.messages(channel, thread_ts=ts)[-1]["files"]
    names = sorted(f["name"] for f in files)
    assert names == ["box-plots.png", "choosing-k.png", "pair-plot.png", "segment-overview.png"]
    for f in files:
        assert slack.file_bytes(f["id"]).startswith(PNG)
    # The results go out first; the status message says "Done" after them.
    slack.wait_for("chat.update", where=lambda c: c.body["text"].startswith("Done with"))
    status = thread_texts(slack, channel, ts)[0]
    assert status.startswith("Done with") and "results below" in status


def test_real_csv_upload_posts_summary_and_charts_in_the_thread(
    running: Running, real_csv: bytes
) -> None:
    slack = running.slack
    started = time.perf_counter()
    shared = slack.share_file(
        channel_id=running.channel, user_id=running.user, name="orders.csv", content=real_csv
    )
    assert [r.status for r in shared["responses"]] == [200, 200]
    first = slack.wait_for("chat.postMessage", 1, timeout=3)[0]
    assert time.perf_counter() - started < 3
    assert first.body["text"] == "Reading `orders.csv` (44 MB)…"
    assert first.body["thread_ts"] == shared["ts"]
    _check_results(running, shared["ts"])
    updates = [c.body["text"] for c in slack.calls("chat.update")]
    stages = [u.split(" `")[0] for u in updates]
    assert stages == [
        "Reading",
        "Cleaning",
        "Finding segments in",
        "Drawing charts for",
        "Done with",
    ]


def test_real_xlsx_upload(running: Running, real_xlsx: bytes) -> None:
    shared = running.slack.share_file(
        channel_id=running.channel, user_id=running.user, name="orders.xlsx", content=real_xlsx
    )
    _check_results(running, shared["ts"])


def test_duplicate_and_retried_events_run_one_job(
    running: Running, sample_csv_bytes: bytes
) -> None:
    slack = running.slack
    shared = slack.share_file(
        channel_id=running.channel, user_id=running.user, name="small.csv", content=sample_csv_bytes
    )
    event = {
        "type": "file_shared",
        "channel_id": running.channel,
        "file_id": shared["file"]["id"],
        "user_id": running.user,
        "file": {"id": shared["file"]["id"]},
    }
    assert slack.send_event(event, event_id="EvRETRY1").status == 200
    assert slack.send_event(event, event_id="EvRETRY1", retry_num=1).status == 200
    # The retry is dropped by the middleware before its 200 comes back, so once the results
    # are in, every "Reading" that will ever be posted has been posted.
    wait_results(slack, running.channel)
    readings = [c for c in slack.calls("chat.postMessage") if c.body["text"].startswith("Reading")]
    assert len(readings) == 1
    assert len(slack.calls("files.completeUploadExternal")) == 1


def test_other_files_are_ignored_and_bad_exports_explained(running: Running) -> None:
    slack = running.slack
    slack.share_file(
        channel_id=running.channel, user_id=running.user, name="cat.png", content=PNG + b"x"
    )
    bad = slack.share_file(
        channel_id=running.channel,
        user_id=running.user,
        name="notes.csv",
        content=b"colour,size\nred,3\nblue,4\n",
    )
    slack.wait_for("chat.update", where=lambda c: "couldn't segment" in c.body["text"], timeout=20)
    # The failure is followed by the question that lets the user name the columns instead.
    slack.wait_for("chat.postMessage", where=lambda c: "which columns" in c.body["text"], timeout=20)
    status, question = thread_texts(slack, running.channel, bad["ts"])
    assert status.startswith("I couldn't segment `notes.csv`:")
    assert "Something went wrong" not in status
    assert question.startswith("I need to know which columns of `notes.csv` hold")
    assert len(slack.calls("chat.postMessage")) == 2  # nothing for the image


def test_sign_in_page_and_foreign_host_are_explained(
    running: Running, sample_csv_bytes: bytes
) -> None:
    slack = running.slack
    event = file_share_event(
        slack, running.channel, running.user, sample_csv_bytes,
        lambda url: url.replace("127.0.0.1", "localhost"),
    )  # fmt: skip
    slack.send_event(event)
    slack.wait_for(
        "chat.update", where=lambda c: "only download files" in c.body["text"], timeout=20
    )
    # the bot token is never sent to a host that is not allowed
    assert not slack.calls("files-pri")


def test_a_crashed_worker_is_reported_and_the_bot_lives_on(
    running: Running, sample_csv_bytes: bytes, real_csv: bytes
) -> None:
    import os
    import signal

    slack = running.slack
    jobs = running.bot.jobs
    pids = list(jobs._pool._processes)  # noqa: SLF001 (the test plays the OOM killer)
    shared = slack.share_file(
        channel_id=running.channel, user_id=running.user, name="big.csv", content=real_csv
    )
    slack.wait_for("chat.postMessage")  # the real export takes a second or more: still running
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    slack.wait_for(
        "chat.update", where=lambda c: "stopped before it finished" in c.body["text"], timeout=30
    )
    again = slack.share_file(
        channel_id=running.channel,
        user_id=running.user,
        name="again.csv",
        content=sample_csv_bytes + b"\n",
    )
    wait_results(slack, running.channel)
    assert shared["ts"] != again["ts"]
