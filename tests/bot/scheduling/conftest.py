"""A digest world: the local fake Slack, a real SQLite file holding one channel's uploaded
export and its first run, a weekly schedule, and schedulers whose clock the test sets.

The clock is set in 2030 so every slot comes after the schedule's real creation time.
Europe/London moves to summer time on Sunday 2030-03-31: Monday 09:00 is 09:00Z on
2030-03-25 and 08:00Z on 2030-04-01.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_sdk import WebClient

import storage
from bot.app import web_client
from bot.scheduling.scheduler import DigestScheduler, Refresher, run_here
from localslack import LocalSlack
from segmentation.load import Export, load_export
from segmentation.pipeline import segment_export
from segmentation.summary import RunParams
from storage import Schedule, Scope
from tests.bot.conftest import settings_for

UTC = dt.UTC
BEFORE_DST = dt.datetime(2030, 3, 25, 9, 0, tzinfo=UTC)
AFTER_DST = dt.datetime(2030, 4, 1, 8, 0, tzinfo=UTC)


@dataclass
class World:
    slack: LocalSlack
    client: WebClient
    db_path: Path
    data_dir: Path
    scope: Scope
    user: str
    schedule: Schedule
    schedulers: list[DigestScheduler]

    @property
    def channel(self) -> str:
        return self.scope.channel_id

    def scheduler(
        self, now: dt.datetime, *, refresher: Refresher = run_here, threads: int = 8
    ) -> DigestScheduler:
        """A scheduler (not started unless the test starts it) whose clock reads ``now``."""
        scheduler = DigestScheduler(
            db_path=self.db_path, data_dir=self.data_dir, client=self.client,
            clock=lambda: now, refresher=refresher, threads=threads,
        )  # fmt: skip
        self.schedulers.append(scheduler)
        return scheduler

    def digests(self) -> list[dict]:
        """The digest messages in the channel, oldest first."""
        return [
            m
            for m in self.slack.messages(self.channel)
            if m.get("text", "").startswith("Weekly digest")
        ]

    def upload(self, export: Export, raw: bytes) -> int:
        """Another export uploaded to the channel (stored with its run); returns the run id."""
        return upload(self.db_path, self.data_dir, self.scope, self.user, export, raw)

    def thread(self, message: dict) -> list[dict]:
        """The replies in a message's thread."""
        return self.slack.messages(self.channel, thread_ts=message["ts"])

    def post(self, slot: dt.datetime) -> dict | None:
        """The stored row of a digest slot."""
        with storage.connect(self.db_path) as db:
            return storage.digest_post(db, self.schedule.id, slot)

    def channel_posts(self) -> list[dict]:
        """Every chat.postMessage the channel received, failed attempts included."""
        return [
            c.body
            for c in self.slack.calls("chat.postMessage")
            if c.body.get("channel") == self.channel
        ]

    def dms(self) -> list[dict]:
        """Direct messages the bot sent (DM channel ids start with D)."""
        return [
            c.body
            for c in self.slack.calls("chat.postMessage")
            if str(c.body.get("channel")).startswith("D")
        ]


def seed(db_path: Path, data_dir: Path, scope: Scope, user: str, data: bytes | Path) -> None:
    """An uploaded export and its finished run, as the upload flow stores them."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    upload(db_path, data_dir, scope, user, load_export(data, name="orders.csv"), raw)


def upload(
    db_path: Path, data_dir: Path, scope: Scope, user: str, export: Export, raw: bytes
) -> int:
    """Store an export and its segmented run as the upload flow does; returns the run id."""
    result = segment_export(export)
    with storage.connect(db_path) as db:
        sha256 = hashlib.sha256(raw).hexdigest()  # of the bytes given: the export may be edited
        record = dataclasses.replace(export.record, file_name="orders.csv", sha256=sha256)
        stored = storage.latest_upload(db, scope)  # more of the channel's data, as *Add* keeps
        dataset_id, _ = storage.save_dataset(
            db, scope, record, user_id=user, transactions=export.transactions,
            summary=result.summary, data_dir=data_dir, line=None if stored is None else stored.line,
        )  # fmt: skip
    with storage.record_run(
        db_path,
        scope,
        dataset_id=dataset_id,
        trigger="upload",
        params=RunParams(),
        requested_by=user,
    ) as run:
        run.finish(result, {})
    return run.run_id


def with_orders(data: bytes, customers: list[str], *, when: str = "12/20/2011 10:00") -> bytes:
    """The sample CSV export plus one large order (three lines) for each customer, ``when``
    (the sample's month-first dates)."""
    lines = [
        f"59{n:04d},85123A,WHITE HANGING HEART,{quantity},{when},2.55,{customer}.0,United Kingdom"
        for n, customer in enumerate(customers)
        for quantity in (100, 50, 25)
    ]
    return data.rstrip(b"\n") + b"\n" + "\n".join(lines).encode() + b"\n"


@pytest.fixture
def world(tmp_path: Path, sample_csv_bytes: bytes) -> Iterator[World]:
    """One channel with a dataset, its upload run and a Monday 09:00 London schedule.

    The client is the bot's own (``bot.app.web_client``), with its retry handlers.
    """
    yield from make_world(tmp_path, sample_csv_bytes)


@pytest.fixture
def real_world(tmp_path: Path, real_path: Path) -> Iterator[World]:
    """``world`` with the real UCI export (data ends 2011-12-09) as the channel's upload."""
    yield from make_world(tmp_path, real_path)


def make_world(tmp_path: Path, data: bytes | Path) -> Iterator[World]:
    with LocalSlack() as slack:
        user = slack.add_user("ana", tz="Europe/London")
        scope = Scope(slack.team_id, slack.add_channel("marketing", members=[user]))
        db_path, data_dir = tmp_path / "segbot.db", tmp_path / "segbot-data"
        seed(db_path, data_dir, scope, user, data)
        with storage.connect(db_path) as db:
            schedule = storage.save_schedule(
                db, scope, created_by=user, weekday=0, time="09:00",
                timezone="Europe/London", k_mode="keep",
            )  # fmt: skip
        client = web_client(settings_for(slack, tmp_path))
        world = World(slack, client, db_path, data_dir, scope, user, schedule, [])
        yield world
        for scheduler in world.schedulers:
            scheduler.close()
