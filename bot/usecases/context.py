"""The small types every use case shares: who asked (``Place``), what to answer (``Reply``)
and what the work is done with (``Deps``)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

import storage
from bot.jobs.queue import JobQueue
from bot.scheduling.scheduler import DigestScheduler
from bot.settings import Settings
from sources import Catalog
from storage import Scope


@dataclass(frozen=True)
class Place:
    """Where a request came from: a channel never sees another channel's data."""

    team_id: str
    channel_id: str
    user_id: str

    @property
    def scope(self) -> Scope:
        return Scope(self.team_id, self.channel_id)


@dataclass(frozen=True)
class Reply:
    """What to send back: a text (always, the fallback) and optional blocks."""

    text: str
    blocks: list[dict] | None = None


@dataclass(frozen=True)
class Deps:
    """What the use cases work with: settings, the workspace client, the job queue, the digest
    scheduler, and the sources channels may read (loaded once at start from the sources file)."""

    settings: Settings
    client: WebClient
    jobs: JobQueue
    scheduler: DigestScheduler
    sources: Catalog = Catalog()

    def claim(self, key: str) -> bool:
        """True the first time ``key`` is seen (across threads, processes and restarts)."""
        with storage.connect(self.settings.db_path) as db:
            return storage.claim_event(db, key)
