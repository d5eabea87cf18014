"""``digest now`` under load: every request is posted or its requester told, none dropped."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

from bot.errors import QueueFullError
from tests.bot.scheduling.conftest import World
from workflows.digest.compare import Digest, SegmentRow
from workflows.digest.refresh import RefreshRequest

REQUESTS = 30
BEFORE_ANY_SLOT = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def test_thirty_digest_now_requests_are_all_posted_or_told(world: World) -> None:
    """Two threads, thirty requests: most wait in line for longer than APScheduler's default
    one-second misfire grace, yet each is posted, or (when the job queue is full) DM'd."""
    started, release = threading.Semaphore(0), threading.Event()
    calls = iter(range(REQUESTS))
    lock = threading.Lock()

    def refresher(call: Callable[[], Digest]) -> Digest:
        del call  # the real refresh is covered elsewhere; this one is instant and canned
        with lock:
            n = next(calls)
        started.release()
        release.wait(timeout=30)
        if n % 3 == 0:
            raise QueueFullError("Sorry, I'm busy: try again in a few minutes.")
        return canned(world)

    # Before the schedule existed: the start-up catch-up has no slot to post.
    scheduler = world.scheduler(BEFORE_ANY_SLOT, refresher=refresher, threads=2)
    scheduler.start()
    for _ in range(REQUESTS):
        scheduler.post_now(request(world), world.user)
    assert started.acquire(timeout=10) and started.acquire(timeout=10)  # both threads busy
    time.sleep(1.5)  # the 28 waiting jobs are now later than APScheduler's default grace
    release.set()
    told = REQUESTS // 3
    world.slack.wait_for(
        "chat.postMessage", REQUESTS - told, timeout=30,
        where=lambda c: str(c.body.get("text", "")).startswith("Weekly digest"),
    )  # fmt: skip
    world.slack.wait_for(
        "chat.postMessage", told, timeout=30,
        where=lambda c: "I couldn't post the digest: Sorry, I'm busy" in str(c.body.get("text")),
    )  # fmt: skip


def request(world: World) -> RefreshRequest:
    return RefreshRequest(
        db_path=world.db_path, data_dir=world.data_dir, scope=world.scope,
        as_of=dt.date(2030, 4, 1), trigger="command", requested_by=world.user,
    )  # fmt: skip


def canned(world: World) -> Digest:
    return Digest(
        scope=world.scope, run_id=2, previous_run_id=None, dataset_name="orders.csv",
        date=dt.date(2030, 4, 1), as_of=dt.date(2030, 4, 1), k=1, stability="Stable.",
        rows=(SegmentRow(id=0, name="Everyone", customers=10, before=None, revenue_share=1.0),),
    )  # fmt: skip
