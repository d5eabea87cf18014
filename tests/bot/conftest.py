"""A real bot behind a threaded WSGI server, talking to a LocalSlack, with a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.datasets import cached
from bot.app import Bot, create_bot
from bot.http import serve_in_thread
from bot.jobs.queue import JobQueue
from bot.settings import Settings
from localslack import LocalSlack
from tests.bot.helpers import wait_results


@contextmanager
def warm_jobs(workers: int) -> Iterator[JobQueue]:
    """A job queue with ``workers`` worker processes started and warm, closed after."""
    queue = JobQueue(workers=workers, capacity=5)
    queue.warm_up()
    try:
        yield queue
    finally:
        queue.close()


@pytest.fixture(scope="session")
def jobs() -> Iterator[JobQueue]:
    """One warm worker process for the whole session (starting one costs seconds)."""
    with warm_jobs(1) as queue:
        yield queue


@pytest.fixture(scope="session")
def real_csv() -> bytes:
    """The real export as the widely shared CSV: latin-1, month-first dates like 12/1/2010 8:26."""
    return cached("real.csv").read_bytes()


@pytest.fixture(scope="session")
def real_xlsx() -> bytes:
    """The real export as .xlsx (written once per machine; slow the first time)."""
    return cached("real.xlsx").read_bytes()


@dataclass
class Running:
    """The local Slack, the bot, and a channel with a user in it."""

    slack: LocalSlack
    bot: Bot
    settings: Settings
    channel: str
    user: str
    stop: object

    def restart(self, jobs: JobQueue) -> None:
        """Stop the bot and start a new one on the same database (a process restart)."""
        self.stop()
        self.bot, self.stop = start_bot(self.slack, self.settings, jobs)


def settings_for(slack: LocalSlack, tmp_path: Path, **overrides: object) -> Settings:
    return Settings(
        bot_token=slack.bot_token,
        signing_secret=slack.signing_secret,
        api_url=slack.api_url,
        file_hosts=("127.0.0.1",),
        db_path=tmp_path / "segbot.db",
        data_dir=tmp_path / "segbot-data",
        **overrides,
    )


def start_bot(slack: LocalSlack, settings: Settings, jobs: JobQueue | None) -> tuple[Bot, object]:
    bot = create_bot(settings, jobs=jobs)
    server, thread = serve_in_thread(bot.app)
    slack.app_url = f"http://127.0.0.1:{server.server_port}/slack/events"

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()
        bot.close()

    return bot, stop


@contextmanager
def running_bot(tmp_path: Path, jobs: JobQueue, **settings: object) -> Iterator[Running]:
    """A bot on a fresh local Slack with one user in one channel; ``settings`` override the
    defaults (``settings_for``)."""
    with LocalSlack() as slack:
        chosen = settings_for(slack, tmp_path, **settings)
        bot, stop = start_bot(slack, chosen, jobs)
        user = slack.add_user("ana")
        channel = slack.add_channel("marketing", members=[user])
        env = Running(slack, bot, chosen, channel, user, stop)
        yield env
        env.stop()


@pytest.fixture
def running(tmp_path: Path, jobs: JobQueue) -> Iterator[Running]:
    with running_bot(tmp_path, jobs) as env:
        yield env


@pytest.fixture
def segmented(running: Running, sample_csv_bytes: bytes) -> Running:
    """``running`` after a small sample export was shared and segmented (calls then cleared)."""
    running.slack.share_file(
        channel_id=running.channel, user_id=running.user, name="small.csv", content=sample_csv_bytes
    )
    wait_results(running.slack, running.channel)
    running.slack.clear_calls()
    return running
