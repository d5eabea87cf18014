"""The scheduler with an injected clock, a real SQLite file and the local fake Slack.

Posting retries are the bot's WebClient's own (``bot.app.web_client``); see the conftest.
"""

from __future__ import annotations

import datetime as dt
import threading

from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

import storage
from bot.scheduling.scheduler import INTERRUPTED
from tests.bot.scheduling.conftest import AFTER_DST, BEFORE_DST, World


def test_fires_at_its_local_slot_before_and_after_the_dst_change(world: World) -> None:
    assert world.scheduler(BEFORE_DST).fire(world.schedule.id) == "sent"
    assert world.scheduler(AFTER_DST + dt.timedelta(seconds=3)).fire(world.schedule.id) == "sent"
    assert world.post(BEFORE_DST)["status"] == "sent"
    assert world.post(AFTER_DST)["status"] == "sent"
    assert world.post(AFTER_DST)["message_ts"] == world.digests()[-1]["ts"]
    second = world.digests()[-1]
    assert second["text"].startswith("Weekly digest for `orders.csv` (2030-04-01): no new data")
    # No data arrived since the upload: its run stands (nothing re-clustered 19 years later),
    # and neither digest reports movement, a chart or a movers' button.
    with storage.connect(world.db_path) as db:
        runs = storage.runs_for(db, world.scope)
        assert storage.digested_run(db, world.scope).id == runs[0].id
    assert [r.trigger for r in runs] == ["upload"]
    assert "Movement" not in str(second["blocks"])
    assert world.slack.messages(world.channel, thread_ts=second["ts"]) == []


def test_two_ticks_for_one_slot_post_once(world: World) -> None:
    results: list[str] = []
    ticks = [
        threading.Thread(
            target=lambda: results.append(world.scheduler(AFTER_DST).fire(world.schedule.id))
        )
        for _ in range(2)
    ]
    for t in ticks:
        t.start()
    for t in ticks:
        t.join()
    assert sorted(results) == ["duplicate", "sent"]
    later = world.scheduler(AFTER_DST + dt.timedelta(minutes=1))
    assert later.fire(world.schedule.id) == "duplicate"
    assert len(world.digests()) == 1


def test_restart_within_the_grace_posts_the_missed_slot_once(world: World) -> None:
    two_hours_late = AFTER_DST + dt.timedelta(hours=2)
    assert world.scheduler(two_hours_late).catch_up() == {world.schedule.id: "sent"}
    restarted_again = world.scheduler(two_hours_late + dt.timedelta(minutes=5))
    assert restarted_again.catch_up() == {}
    assert len(world.digests()) == 1
    assert world.post(AFTER_DST)["status"] == "sent"


def test_restart_after_the_grace_skips_and_the_next_digest_says_so(world: World) -> None:
    seven_hours_late = AFTER_DST + dt.timedelta(hours=7)
    assert world.scheduler(seven_hours_late).catch_up() == {world.schedule.id: "skipped"}
    assert world.scheduler(seven_hours_late).catch_up() == {}
    assert world.digests() == []
    assert world.post(AFTER_DST)["status"] == "skipped"
    next_week = AFTER_DST + dt.timedelta(days=7)
    assert world.scheduler(next_week).fire(world.schedule.id) == "sent"
    assert "Missed while I was offline (too late to post): 2030-04-01 08:00 UTC" in str(
        world.digests()[-1]["blocks"]
    )


def test_a_slot_left_posting_by_a_crash_is_failed_and_told_not_posted_twice(
    world: World,
) -> None:
    with storage.connect(world.db_path) as db:  # a process claimed the slot, then died
        assert storage.claim_digest_slot(db, world.schedule.id, AFTER_DST)
    restarted = world.scheduler(AFTER_DST + dt.timedelta(minutes=10))
    restarted.start()
    world.slack.wait_for("chat.postMessage", timeout=10)
    assert world.post(AFTER_DST)["status"] == "failed"
    assert world.post(AFTER_DST)["error"] == INTERRUPTED
    assert restarted.catch_up() == {}  # at most once: it might have reached Slack
    (dm,) = world.dms()
    assert INTERRUPTED in dm["text"]
    assert world.digests() == []


def test_a_failing_post_is_retried_by_the_client_then_failed_and_the_creator_is_told(
    world: World,
) -> None:
    retries = next(
        h.max_retry_count
        for h in world.client.retry_handlers
        if isinstance(h, ServerErrorRetryHandler)
    )
    world.slack.fail_next("chat.postMessage", status=500, error="internal_error", times=retries + 1)
    assert world.scheduler(AFTER_DST).fire(world.schedule.id) == "failed"
    assert len(world.channel_posts()) == retries + 1  # one layer of retries, then it gives up
    row = world.post(AFTER_DST)
    assert (row["status"], row["message_ts"]) == ("failed", None)
    assert row["error"] == "Slack answered `internal_error`"
    (dm,) = world.dms()
    assert "couldn't post the weekly segment digest" in dm["text"]
    assert world.digests() == []


def test_removed_from_the_channel_fails_at_once_with_the_reason(world: World) -> None:
    world.slack.fail_next("chat.postMessage", error="not_in_channel")
    assert world.scheduler(AFTER_DST).fire(world.schedule.id) == "failed"
    assert len(world.channel_posts()) == 1
    assert world.post(AFTER_DST)["error"] == "I'm no longer a member of the channel"
    assert "I'm no longer a member of the channel" in world.dms()[0]["text"]


def test_a_rate_limit_then_success_is_sent_once(world: World) -> None:
    world.slack.fail_next("chat.postMessage", status=429, retry_after=0)
    assert world.scheduler(AFTER_DST).fire(world.schedule.id) == "sent"
    assert len(world.digests()) == 1
    assert world.dms() == []
