"""The Bolt app factory: ``create_bot(settings)`` → a ``Bot`` holding app, services and jobs.

Nothing happens at import time (``App`` calls ``auth.test`` in its constructor). The local
workspace runner builds ``Settings(bot_token=..., signing_secret=..., api_url=...,
file_hosts=("127.0.0.1",))`` and calls ``create_bot`` the same way ``python -m bot`` does.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

import storage
from bot import worker
from bot.digest.scheduler import DigestScheduler
from bot.digest.service import DigestService
from bot.jobs import JobQueue, new_job_id
from bot.listeners import register
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger("segbot")


@dataclass
class Bot:
    """A running bot: the Bolt ``app``, its use cases and the job queue it owns."""

    app: App
    services: Services
    jobs: JobQueue
    settings: Settings
    owns_jobs: bool = True
    scheduler: DigestScheduler | None = None

    def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.close()
        if self.owns_jobs:
            self.jobs.close()


def web_client(settings: Settings) -> WebClient:
    """WebClient on ``settings.api_url`` that waits out 429s and retries 5xx once."""
    client = WebClient(token=settings.bot_token, base_url=settings.api_url, timeout=30)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=1))
    return client


def create_bot(
    settings: Settings, *, client: WebClient | None = None, jobs: JobQueue | None = None
) -> Bot:
    """Build the app (calls ``auth.test``), recover interrupted runs, start the workers."""
    storage.open_db(settings.db_path)  # creates or migrates the schema once, up front
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
    jobs = jobs or JobQueue(workers=settings.workers, capacity=settings.queue_size)
    services = Services(settings=settings, client=client, jobs=jobs)
    scheduler = DigestScheduler(
        db_path=settings.db_path,
        data_dir=settings.data_dir,
        client=client,
        grace=dt.timedelta(hours=settings.digest_grace_hours),
        refresher=lambda **arguments: jobs.run(
            worker.RefreshTask(job_id=new_job_id(), arguments=arguments), name="digest refresh"
        ),
    )
    services.digests = DigestService(
        db_path=settings.db_path, data_dir=settings.data_dir, client=client, scheduler=scheduler
    )
    app.middleware(drop_duplicate_events(services.claim))
    register(app, services)
    scheduler.start()  # weekly digests from SQLite; a slot missed while down is caught up
    return Bot(
        app=app,
        services=services,
        jobs=jobs,
        settings=settings,
        owns_jobs=owns_jobs,
        scheduler=scheduler,
    )


def drop_duplicate_events(claim: Callable[[str], bool]) -> Callable:
    """Global middleware: an event_id seen before (a Slack retry) is acknowledged and dropped."""

    def middleware(body: dict, next: Callable) -> BoltResponse | None:  # noqa: A002 (Bolt's name)
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not claim(f"event:{body.get('team_id')}:{event_id}"):
            return BoltResponse(status=200, body="")
        return next()

    return middleware
