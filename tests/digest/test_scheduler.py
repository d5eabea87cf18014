"""The scheduler with an injected clock, a real SQLite file and the local fake Slack.

The clock is set in 2030 so every slot comes after the schedule's real creation time.
Europe/London moves to summer time on Sunday 2030-03-31: Monday 09:00 is 09:00Z on
2030-03-25 and 08:00Z on 2030-04-01.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_sdk import WebClient

import storage
from bot.digest.scheduler import DigestScheduler
from bot.localslack import LocalSlack
from segmentation.load import load_export
from segmentation.pipeline import segment_export
from storage.digests import digest_post

UTC = dt.UTC
BEFORE_DST = dt.datetime(2030, 3, 25, 9, 0, tzinfo=UTC)
AFTER_DST = dt.datetime(2030, 4, 1, 8, 0, tzinfo=UTC)


@dataclass
class World:
    slack: LocalSlack
    client: WebClient
    db_path: Path
    data_dir: Path
    channel: str
    user: str
    schedule_id: int

    def scheduler(self, now: dt.datetime, sleeps: list | None = None) -> DigestScheduler:
        """A scheduler (not started: the test drives it) whose clock reads ``now``."""
        return DigestScheduler(
            db_path=self.db_path,
            data_dir=self.data_dir,
            client=self.client,
            clock=lambda: now,
            sleep=(sleeps if sleeps is not None else []).append,
            delays=(1, 2, 3),
        )

    def digests(self) -> list[dict]:
        return [
            m
            for m in self.slack.messages(self.channel)
            if m.get("text", "").startswith("Weekly digest")
        ]

    def post(self, slot: dt.datetime) -> dict | None:
        with storage.connect(self.db_path) as db:
            return digest_post(db, self.schedule_id, slot)


def seed(db_path: Path, data_dir: Path, team: str, channel: str, user: str, data: bytes) -> None:
    """An uploaded export and its finished run, as the upload flow stores them."""
    export = load_export(data, name="orders.csv")
    result = segment_export(export)
    summary = result.to_dict()
    scope = {"team_id": team, "channel_id": channel}
    with storage.connect(db_path) as db:
        dataset_id, _ = storage.save_dataset(
            db, user_id=user, file_name="orders.csv", sha256=hashlib.sha256(data).hexdigest(),
            transactions=export.transactions, summary=summary, data_dir=data_dir, **scope,
        )  # fmt: skip
        run_id = storage.start_run(
            db,
            dataset_id=dataset_id,
            trigger="upload",
            params={"k": None},
            requested_by=user,
            **scope,
        )
        storage.finish_run(db, run_id, summary=summary, customers=result.customers, timings={})


@pytest.fixture
def world(tmp_path: Path, sample_csv_bytes: bytes) -> Iterator[World]:
    with LocalSlack() as slack:
        user = slack.add_user("ana", tz="Europe/London")
        channel = slack.add_channel("marketing", members=[user])
        db_path, data_dir = tmp_path / "segbot.db", tmp_path / "segbot-data"
        seed(db_path, data_dir, slack.team_id, channel, user, sample_csv_bytes)
        with storage.connect(db_path) as db:
            schedule_id = storage.save_schedule(
                db, team_id=slack.team_id, channel_id=channel, created_by=user,
                weekday=0, time="09:00", timezone="Europe/London", k_mode="keep",
            )  # fmt: skip
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        yield World(slack, client, db_path, data_dir, channel, user, schedule_id)


def test_fires_at_its_local_slot_before_and_after_the_dst_change(world: World) -> None:
    assert world.scheduler(BEFORE_DST).fire(world.schedule_id) == "sent"
    assert world.scheduler(AFTER_DST + dt.timedelta(seconds=3)).fire(world.schedule_id) == "sent"
    assert world.post(BEFORE_DST)["status"] == "sent"
    assert world.post(AFTER_DST)["status"] == "sent"
    assert world.post(AFTER_DST)["message_ts"] == world.digests()[-1]["ts"]
    second = world.digests()[-1]
    assert "as of 2030-04-01" in second["text"]
    # The second digest compares with the first: names were kept, movement is reported.
    assert "Movement since the last run" in str(second["blocks"])
    with storage.connect(world.db_path) as db:
        runs = storage.runs_for(db, world.slack.team_id, world.channel)
        names = [
            [
                s["name"]
                for s in storage.segments_for(
                    db, r["id"], team_id=world.slack.team_id, channel_id=world.channel
                )
            ]
            for r in runs
        ]
    assert [r["trigger"] for r in runs] == ["schedule", "schedule", "upload"]
    assert names[0] == names[1] == names[2]
    # The thread holds both charts and the movers' Export CSV button.
    thread = world.slack.messages(world.channel, thread_ts=second["ts"])
    files = [f["name"] for m in thread for f in m.get("files", [])]
    assert sorted(files) == ["segment-migration.png", "segment-sizes-over-time.png"]
    assert "digest_export_movers" in str(thread[-1]["blocks"])


def test_two_ticks_for_one_slot_post_once(world: World) -> None:
    results: list[str] = []
    ticks = [
        threading.Thread(
            target=lambda: results.append(world.scheduler(AFTER_DST).fire(world.schedule_id))
        )
        for _ in range(2)
    ]
    for t in ticks:
        t.start()
    for t in ticks:
        t.join()
    assert sorted(results) == ["duplicate", "sent"]
    assert (
        world.scheduler(AFTER_DST + dt.timedelta(minutes=1)).fire(world.schedule_id) == "duplicate"
    )
    assert len(world.digests()) == 1


def test_restart_within_the_grace_posts_the_missed_slot_once(world: World) -> None:
    two_hours_late = AFTER_DST + dt.timedelta(hours=2)
    assert world.scheduler(two_hours_late).catch_up() == {world.schedule_id: "sent"}
    assert (
        world.scheduler(two_hours_late + dt.timedelta(minutes=5)).catch_up() == {}
    )  # restart again
    assert len(world.digests()) == 1
    assert world.post(AFTER_DST)["status"] == "sent"


def test_restart_after_the_grace_skips_and_the_next_digest_says_so(world: World) -> None:
    seven_hours_late = AFTER_DST + dt.timedelta(hours=7)
    assert world.scheduler(seven_hours_late).catch_up() == {world.schedule_id: "skipped"}
    assert world.scheduler(seven_hours_late).catch_up() == {}
    assert world.digests() == []
    assert world.post(AFTER_DST)["status"] == "skipped"
    next_week = AFTER_DST + dt.timedelta(days=7)
    assert world.scheduler(next_week).fire(world.schedule_id) == "sent"
    assert "Missed while I was offline (too late to post): 2030-04-01 08:00 UTC" in str(
        world.digests()[-1]["blocks"]
    )


def test_a_slot_left_posting_by_a_crash_is_failed_and_told_not_posted_twice(
    world: World,
) -> None:
    with storage.connect(world.db_path) as db:  # a process claimed the slot, then died
        assert storage.claim_digest_slot(db, world.schedule_id, AFTER_DST)
    restarted = world.scheduler(AFTER_DST + dt.timedelta(minutes=10))
    restarted.start()
    try:
        world.slack.wait_for("chat.postMessage", timeout=10)
        assert world.post(AFTER_DST)["status"] == "failed"
        assert world.post(AFTER_DST)["error"] == "segbot stopped while preparing it"
        assert restarted.catch_up() == {}  # at most once: it might have reached Slack
    finally:
        restarted.close()
    (dm,) = _dms(world)
    assert "segbot stopped while preparing it" in dm["text"]
    assert world.digests() == []


def _dms(world: World) -> list[dict]:
    return [
        c.body
        for c in world.slack.calls("chat.postMessage")
        if str(c.body.get("channel")).startswith("D")
    ]


def test_a_failing_post_is_retried_then_recorded_failed_and_the_creator_is_told(
    world: World,
) -> None:
    sleeps: list[float] = []
    world.slack.fail_next("chat.postMessage", status=500, error="internal_error", times=4)
    assert world.scheduler(AFTER_DST, sleeps).fire(world.schedule_id) == "failed"
    assert sleeps == [1, 2, 3]  # three retries with growing waits, then it gives up
    row = world.post(AFTER_DST)
    assert (row["status"], row["message_ts"]) == ("failed", None)
    assert row["error"] == "Slack answered `internal_error`"
    (dm,) = _dms(world)
    assert "couldn't post the weekly segment digest" in dm["text"]
    assert world.digests() == []


def test_removed_from_the_channel_fails_at_once_with_the_reason(world: World) -> None:
    sleeps: list[float] = []
    world.slack.fail_next("chat.postMessage", error="not_in_channel")
    assert world.scheduler(AFTER_DST, sleeps).fire(world.schedule_id) == "failed"
    assert sleeps == []
    assert world.post(AFTER_DST)["error"] == "I'm no longer a member of the channel"
    assert "I'm no longer a member of the channel" in _dms(world)[0]["text"]


def test_a_transient_failure_then_success_is_sent_once(world: World) -> None:
    sleeps: list[float] = []
    world.slack.fail_next("chat.postMessage", status=429, retry_after=0)
    assert world.scheduler(AFTER_DST, sleeps).fire(world.schedule_id) == "sent"
    assert sleeps == [1]
    assert len(world.digests()) == 1
    assert _dms(world) == []
