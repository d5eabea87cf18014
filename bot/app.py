"""The Bolt app factory: ``create_bot(settings)`` → a ``Bot`` holding the app and what it owns.

Nothing happens at import time (``App`` calls ``auth.test`` in its constructor). The local
workspace (``bot/__main__.py``) builds a ``Settings`` for its fake Slack and calls
``create_bot`` the same way ``python -m bot`` does for real Slack.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

import storage
from bot.jobs.queue import JobQueue, new_job_id
from bot.jobs.tasks import CallTask
from bot.listeners import register
from bot.scheduling.scheduler import DigestScheduler
from bot.settings import Settings
from bot.usecases.context import Deps
from bot.usecases.recovery import recover_jobs
from sources import Catalog

log = logging.getLogger("segbot")


@dataclass
class Bot:
    """A running bot: the Bolt ``app`` and the dependencies its listeners use."""

    app: App
    deps: Deps
    owns_jobs: bool = True

    @property
    def jobs(self) -> JobQueue:
        return self.deps.jobs

    @property
    def scheduler(self) -> DigestScheduler:
        return self.deps.scheduler

    def close(self) -> None:
        self.deps.scheduler.close()
        if self.owns_jobs:
            self.deps.jobs.close()


def web_client(settings: Settings) -> WebClient:
    """WebClient on ``settings.api_url``: the one retry layer for Slack calls.

    It waits out 429s (Retry-After) twice, retries 5xx and dropped connections twice.
    """
    client = WebClient(token=settings.bot_token, base_url=settings.api_url, timeout=30)
    client.retry_handlers[:] = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ]
    return client


def create_bot(
    settings: Settings,
    *,
    client: WebClient | None = None,
    jobs: JobQueue | None = None,
    sources: Catalog | None = None,
) -> Bot:
    """Build the app (calls ``auth.test``), recover interrupted runs and jobs, start the scheduler.

    ``sources`` is the catalog of ``settings.sources_path``, loaded by the edge (it reads the
    passwords from the environment); None: no sources.
    """
    sources = sources or Catalog()
    storage.open_db(settings.db_path).close()  # creates or migrates the schema once, up front
    with storage.connect(settings.db_path) as db:
        recovered = storage.recover_interrupted_runs(db)
    if recovered:
        log.info("marked %s interrupted run(s) as failed", recovered)
    client = client or web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.signing_secret or "socket-mode-has-no-signing-secret",
        process_before_response=False,
    )
    owns_jobs = jobs is None
    queue = jobs or JobQueue(
        workers=settings.workers,
        capacity=settings.queue_size,
        memory_bytes=settings.worker_memory_bytes,
    )
    scheduler = DigestScheduler(
        db_path=settings.db_path,
        data_dir=settings.data_dir,
        client=client,
        grace=dt.timedelta(hours=settings.digest_grace_hours),
        refresher=lambda call: queue.run(
            CallTask(job_id=new_job_id(), call=call), name="digest refresh"
        ),
        sources=sources,
    )
    deps = Deps(settings=settings, client=client, jobs=queue, scheduler=scheduler, sources=sources)
    app.middleware(drop_duplicate_events(deps.claim))
    register(app, deps)
    try:  # each upload a stopped bot left unfinished: posted, or failed and its user told
        recover_jobs(deps)
    except Exception:
        log.exception("recovering unfinished jobs failed; they are retried at the next start")
    scheduler.start()  # weekly digests from SQLite; a slot missed while down is caught up
    return Bot(app=app, deps=deps, owns_jobs=owns_jobs)


def drop_duplicate_events(claim: Callable[[str], bool]) -> Callable:
    """Global middleware: an event_id seen before (a Slack retry) is acknowledged and dropped."""

    def middleware(body: dict, next: Callable) -> BoltResponse | None:  # noqa: A002 (Bolt's name)
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not claim(f"event:{body.get('team_id')}:{event_id}"):
            return BoltResponse(status=200, body="")
        return next()

    return middleware
