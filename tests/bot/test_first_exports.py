"""Two exports shared at once into a channel with no data, with two workers segmenting them side
by side: one becomes the channel's data with its results, the other is asked about (add or
replace) in its own thread; never two "first" datasets whose threads both claim the channel.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import storage
from bot.jobs.queue import JobQueue
from localslack import LocalSlack
from storage import Scope
from tests.bot.conftest import settings_for, start_bot, warm_jobs
from tests.bot.helpers import thread_texts


@pytest.fixture(scope="module")
def two_workers() -> Iterator[JobQueue]:
    with warm_jobs(2) as queue:
        yield queue


def _answered(slack: LocalSlack, channel: str, ts: str) -> str | None:
    """ "results" or "question" once the thread of ``ts`` has one, else None."""
    for message in slack.messages(channel, thread_ts=ts):
        blocks = str(message.get("blocks"))
        if "export_csv" in blocks:
            return "results"
        if "append_add" in blocks:
            return "question"
    return None


def test_two_first_exports_shared_at_once(
    tmp_path: Path, two_workers: JobQueue, sample_csv_bytes: bytes
) -> None:
    lines = sample_csv_bytes.splitlines(keepends=True)
    files = {"north.csv": sample_csv_bytes, "south.csv": b"".join(lines[: len(lines) // 2])}
    with LocalSlack() as slack:
        settings = settings_for(slack, tmp_path)
        _bot, stop = start_bot(slack, settings, two_workers)
        try:
            user = slack.add_user("ana")
            channel = slack.add_channel("marketing", members=[user])
            shared = {
                name: slack.share_file(channel_id=channel, user_id=user, name=name, content=data)
                for name, data in files.items()
            }
            deadline = time.monotonic() + 180
            while (
                None
                in (
                    said := {n: _answered(slack, channel, s["ts"]) for n, s in shared.items()}
                ).values()
            ):
                assert time.monotonic() < deadline, said
                time.sleep(0.1)
            with storage.connect(settings.db_path) as db:
                stored = storage.datasets_for(db, Scope(slack.team_id, channel))
            assert sorted(said.values()) == ["question", "results"]
            assert len(stored) == 1
            first = next(n for n, a in said.items() if a == "results")
            second = next(n for n, a in said.items() if a == "question")
            assert stored[0].file_name == first
            asked = " ".join(thread_texts(slack, channel, shared[second]["ts"]))
            assert f"This channel already has data (`{first}`" in asked
        finally:
            stop()
