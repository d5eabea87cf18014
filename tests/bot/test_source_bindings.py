"""Bad input around source bindings, through the real bot: the operator renames a source a
channel reads (the bot restarted on the edited sources file), and two channels bind the same
source at the same moment. Each is answered in one plain sentence, nothing is stored half and
nothing crosses channels.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import storage
from bot.app import create_bot
from bot.http import serve_in_thread
from bot.jobs.queue import JobQueue
from localslack import LocalSlack
from segmentation.sample import sample_export
from sources import load_catalog
from storage import Scope
from tests.bot.conftest import settings_for
from tests.bot.helpers import say


@contextlib.contextmanager
def bot_reading(slack: LocalSlack, folder: Path, name: str, jobs: JobQueue) -> Iterator[None]:
    """The bot on ``folder``'s database, its sources file giving one files source ``name``."""
    export = folder / "sales.parquet"
    if not export.exists():
        sample_export(rows=2000, seed=3)[0].to_parquet(export, index=False)
    path = folder / "segbot-sources.toml"
    path.write_text(f"[sources.{name}]\npath = '{export}'\ndescription = 'Shop sales'\n")
    settings = settings_for(slack, folder, sources_path=path)
    bot = create_bot(settings, jobs=jobs, sources=load_catalog(path))
    server, thread = serve_in_thread(bot.app)
    slack.app_url = f"http://127.0.0.1:{server.server_port}/slack/events"
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        bot.close()


def _rows(folder: Path, sql: str) -> list[tuple]:
    with storage.connect(folder / "segbot.db") as db:
        return db.execute(sql).fetchall()


def test_a_source_renamed_in_the_sources_file_is_answered_plainly(
    tmp_path: Path, jobs: JobQueue
) -> None:
    with LocalSlack() as slack:
        user = slack.add_user("ana")
        channel = slack.add_channel("marketing", members=[user])
        with bot_reading(slack, tmp_path, "shop", jobs):
            assert say(slack, "source use shop", channel=channel, user=user).startswith(
                "This channel now reads `shop` (Shop sales)."
            )
        with bot_reading(slack, tmp_path, "store", jobs):  # the operator renamed it
            gone = (
                "This channel reads source `shop`, which the bot's sources file no longer gives "
                "it: ask the bot's operator to add it back, or use `/segment source off` to "
                "segment the exports shared here."
            )
            assert say(slack, "run", channel=channel, user=user) == gone
            listed = say(slack, "source", channel=channel, user=user)
            assert "`shop`" in listed and "• `store`: Shop sales" in listed
            assert "no longer" in listed
            assert not slack.calls("chat.postMessage")  # no run started, no status message
    assert _rows(tmp_path, "SELECT count(*) FROM runs") == [(0,)]
    assert _rows(tmp_path, "SELECT count(*) FROM jobs") == [(0,)]
    assert _rows(tmp_path, "SELECT channel_id, source FROM channel_sources") == [(channel, "shop")]


def test_two_channels_binding_the_same_source_at_once(tmp_path: Path, jobs: JobQueue) -> None:
    with LocalSlack() as slack:
        user = slack.add_user("ana")
        channels = [slack.add_channel(n, members=[user]) for n in ("north", "south")]
        answers: dict[str, str] = {}
        with bot_reading(slack, tmp_path, "shop", jobs):
            start = threading.Barrier(2)

            def bind(channel: str) -> None:
                start.wait()
                answers[channel] = say(slack, "source use shop", channel=channel, user=user)

            threads = [threading.Thread(target=bind, args=(c,)) for c in channels]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            for channel in channels:
                assert answers[channel].startswith("This channel now reads `shop` (Shop sales).")
                listed = say(slack, "source", channel=channel, user=user)
                assert "*(in use here)*" in listed
    assert sorted(_rows(tmp_path, "SELECT channel_id, source FROM channel_sources")) == sorted(
        (c, "shop") for c in channels
    )
    rows = _rows(tmp_path, "SELECT channel_id, source FROM datasets ORDER BY channel_id")
    assert sorted(rows) == sorted((c, "shop") for c in channels)  # one row each, no other
    for channel in channels:
        with storage.connect(tmp_path / "segbot.db") as db:
            binding = storage.channel_source(db, Scope(slack.team_id, channel))
        assert binding.source == "shop" and binding.bound_by == user
