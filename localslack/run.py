"""Serve a Slack app against a local Slack-like workspace in the browser: no Slack account needed.

The app is the real, unmodified one: it receives signed requests at its own events URL and
its ``WebClient`` is pointed at the local Web API. This module never imports the app; the
caller passes in a factory for it (and optionally the file behind "Upload sample data"),
which keeps ``localslack`` independent of segbot. ``bot/__main__.py`` runs segbot this way
when no Slack settings exist, in outline::

    from localslack.run import run_local_workspace

    class LocalBot:
        def __init__(self, local):  # the started LocalSlack
            settings = Settings(
                bot_token=local.bot_token,
                signing_secret=local.signing_secret,
                api_url=local.api_url,
                file_hosts=("127.0.0.1",),
                db_path=..., data_dir=...,
            )
            self.bot = create_bot(settings)
            self.server, _ = serve_in_thread(self.bot.app)
            self.url = f"http://127.0.0.1:{self.server.server_port}/slack/events"

        def close(self):
            ...  # stop the server and the bot

    def sample_export():
        frame, _ = segmentation.sample.sample_export()
        return "sample-orders.csv", frame.to_csv(index=False).encode()

    run_local_workspace(LocalBot, sample_export=sample_export, state_dir=Path("segbot-local-slack"))

``make_bot(local)`` gets the started ``LocalSlack`` and returns the bot's events URL, either
as a string or as an object with ``.url`` (and optionally ``.close()``, called on shutdown).
"""

from __future__ import annotations

import errno
import sys
import threading
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TextIO

from .browser import SampleExport, install_page
from .errors import SlackError
from .local import LocalSlack
from .persist import WorkspaceStore

CHANNELS = ("general", "marketing")
LOCAL_USER = "you"
# A second person the page can switch to: in #general only at first, so what segbot shows a
# user who shares no channel with data (App Home, exports sent by DM) can be seen.
SECOND_USER = "sam"
FORGET_CALLS_EVERY = 60.0  # seconds; the demo never reads the request log tests rely on


class RunningBot(Protocol):
    """A started bot: where it listens, and how to stop it."""

    url: str


BotFactory = Callable[[LocalSlack], "str | RunningBot"]


class LocalWorkspace:
    """A started local workspace with the page, its channels, the local user and the bot.

    ``run_local_workspace`` is this plus "print the address and wait for Ctrl-C"; tests use
    the class directly (as a context manager) on port 0.
    """

    def __init__(
        self,
        make_bot: BotFactory,
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        sample_export: SampleExport | None = None,
        state_dir: str | Path | None = None,
    ) -> None:
        self.local = LocalSlack(host=host, port=port).start()
        self.bot: str | RunningBot | None = None
        self.store = WorkspaceStore(state_dir) if state_dir is not None else None
        try:
            assert self.local.server is not None
            if self.store is not None:
                self.store.load(self.local.workspace)
            self.user_id = self._user(LOCAL_USER)
            self.channels = {name: self._channel(name) for name in CHANNELS}
            self.second_user_id = self._user(SECOND_USER)
            self.local.workspace.join(self.channels["general"], self.second_user_id)
            if self.store is not None:
                self.store.follow(self.local.workspace)
            # Routes go in before the bot starts, so no request races the route table.
            install_page(
                self.local,
                self.local.server,
                user_id=self.user_id,
                sample_export=sample_export,
                people=[self.second_user_id],
            )
            self.bot = make_bot(self.local)
            self.local.app_url = self.bot if isinstance(self.bot, str) else self.bot.url
        except BaseException:
            self.close()
            raise

    def _user(self, name: str) -> str:
        """The local user, restored from disk or new."""
        known = [u["id"] for u in self.local.workspace.users.values() if u["name"] == name]
        return known[0] if known else self.local.add_user(name)

    def _channel(self, name: str) -> str:
        try:
            return self.local.workspace.channel(name).id
        except SlackError:
            return self.local.add_channel(name, members=[self.user_id])

    @property
    def url(self) -> str:
        """The page's address, e.g. ``http://127.0.0.1:3000``."""
        return self.local.url

    def close(self) -> None:
        """Stop the bot (if it can be stopped) and the local Slack; safe to call twice."""
        close = getattr(self.bot, "close", None)
        self.bot = None
        if callable(close):
            close()
        if self.store is not None:
            self.store.close()
        self.local.stop()

    def __enter__(self) -> LocalWorkspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_local_workspace(
    make_bot: BotFactory,
    *,
    host: str = "127.0.0.1",
    port: int = 3000,
    sample_export: SampleExport | None = None,
    open_browser: bool = False,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
    state_dir: str | Path | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Serve the local workspace on ``host:port`` until Ctrl-C (or ``stop`` is set).

    The first line printed is the page's address; ``notes`` (lines for the person who started
    it) follow. With ``state_dir`` the conversation is kept there and comes back on the next
    start.
    """
    out = out or sys.stdout
    stop = stop or threading.Event()
    try:
        space = LocalWorkspace(
            make_bot, host=host, port=port, sample_export=sample_export, state_dir=state_dir
        )
    except OSError as e:
        if e.errno != errno.EADDRINUSE:
            raise
        raise SystemExit(
            f"segbot: {host}:{port} is already in use; stop whatever listens there and retry."
        ) from e
    with space:
        # A stop may come while the greeting is still being printed: the whole block is covered.
        try:
            scope = "local only — bound to 127.0.0.1" if host == "127.0.0.1" else f"bound to {host}"
            print(f"segbot local workspace: {space.url} ({scope})", file=out, flush=True)
            for note in notes:
                print(note, file=out)
            if state_dir is not None:
                print(f"Conversation kept in {state_dir}/ (delete it to start afresh).", file=out)
            print("Press Ctrl-C to stop.", file=out, flush=True)
            if open_browser:
                webbrowser.open(space.url)
            while not stop.wait(FORGET_CALLS_EVERY):
                space.local.clear_calls()
        except KeyboardInterrupt:
            print("\nsegbot local workspace stopped.", file=out, flush=True)
