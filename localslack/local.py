"""``LocalSlack``: the project's own Slack, a real HTTP server on 127.0.0.1.

Tests and benchmarks use it directly; ``run.py`` adds the browser page on top of it for the
local workspace of ``python -m bot``.

It plays both sides Slack plays: the Web API the bot's ``WebClient`` calls (``api_url``), and
the sender of signed events, commands and clicks to the bot's ``/slack/events`` (``app_url``).
Typical use::

    with LocalSlack() as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        channel = slack.add_channel("marketing")
        ...
        slack.app_url = f"http://127.0.0.1:{app_port}/slack/events"
        slack.send_command("help", channel_id=channel, user_id=slack.add_user("ana"))
        slack.wait_for("chat.postMessage")
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

from .acting import ActingAsSlack
from .client import AppClient, Delivery
from .recording import Call, Failure, Recorder
from .routes import Routes
from .server import BadDelivery, LocalSlackServer
from .state import Workspace


class LocalSlack(ActingAsSlack):
    """A fake Slack workspace served over real HTTP; see the module docstring."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_token: str = "xoxb-local-token",
        signing_secret: str = "local-signing-secret",
        team_id: str = "T0LOCAL",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        app_url: str | None = None,
    ) -> None:
        self.host = host
        self.bot_token = bot_token
        self.signing_secret = signing_secret
        self.workspace = Workspace(team_id=team_id, bot_user_id=bot_user_id, bot_id=bot_id)
        self.recorder = Recorder()
        self.app_client = AppClient(signing_secret=signing_secret)
        self.app_client.app_url = app_url
        self._port = port
        self.bad_downloads: list[BadDelivery] = []
        self.server: LocalSlackServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalSlack:
        """Bind (port 0 picks a free port) and serve on a daemon thread; return ``self``."""
        if self.server is not None:
            return self
        self.server = LocalSlackServer((self.host, self._port), recorder=self.recorder)
        self._port = self.server.server_port
        self.workspace.base_url = self.url
        routes = Routes(
            workspace=self.workspace, bot_token=self.bot_token, bad_downloads=self.bad_downloads
        )
        routes.install(self.server)
        self._thread = self.server.start_thread()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; safe to call twice."""
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.server = self._thread = None

    def __enter__(self) -> LocalSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (the requested one until ``start``)."""
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, the server's root."""
        return f"http://{self.host}:{self._port}"

    @property
    def api_url(self) -> str:
        """The ``base_url`` for ``WebClient``: ``http://127.0.0.1:PORT/api/``."""
        return f"{self.url}/api/"

    @property
    def app_url(self) -> str | None:
        """Where the app listens (its ``/slack/events`` URL, or a root to which it is added)."""
        return self.app_client.app_url

    @app_url.setter
    def app_url(self, value: str | None) -> None:
        self.app_client.app_url = value

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def bot_user_id(self) -> str:
        return self.workspace.bot_user_id

    @property
    def bot_id(self) -> str:
        return self.workspace.bot_id

    # recording and failure injection --------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Requests received so far (``upload``, ``files-pri`` and ``hook`` included)."""
        return self.recorder.calls(method)

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait for ``count`` calls of ``method``; AssertionError listing what came otherwise."""
        return self.recorder.wait_for(method, count, timeout, where)

    def clear_calls(self) -> None:
        """Forget the calls received so far (e.g. the app's start-up ``auth.test``)."""
        self.recorder.clear()

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """Requests sent to the app (``command``, ``event``, ``action``, ``raw``) with timings."""
        return self.app_client.deliveries(kind)

    def fail_next(
        self,
        method: str,
        *,
        error: str = "not_in_channel",
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        ``status=429`` (or any ``retry_after``) answers ``ratelimited`` with ``Retry-After``;
        another status answers it with ``{"ok": false, "error": error}``; the default answers
        HTTP 200 with ``ok: false``. ``method`` may also be ``upload``, ``hook``, ``files-pri``.
        """
        if retry_after is not None and status == 200:
            status = 429
        self.recorder.fail_next(Failure(method, error, status, retry_after, times))

    def degrade_next_download(
        self,
        *,
        cut_at: int | None = None,
        rate: float | None = None,
        stall_at: int | None = None,
        times: int = 1,
    ) -> None:
        """Serve the next ``times`` private file downloads badly, with the full Content-Length:
        close the connection after ``cut_at`` bytes, send ``rate`` bytes a second, or send
        nothing more after ``stall_at`` bytes (until the client gives up)."""
        with self.workspace.lock:
            self.bad_downloads.extend([BadDelivery(cut_at, rate, stall_at)] * times)

    # workspace --------------------------------------------------------------------------------

    def add_user(self, name: str, *, user_id: str | None = None, tz: str = "Europe/London") -> str:
        """Create a user; return its id."""
        return self.workspace.add_user(name, user_id=user_id, tz=tz)

    def add_channel(
        self,
        name: str,
        *,
        channel_id: str | None = None,
        is_private: bool = False,
        bot_member: bool = True,
        members: tuple[str, ...] | list[str] = (),
    ) -> str:
        """Create a channel (with the bot in it unless ``bot_member=False``); return its id."""
        people = {*members, self.bot_user_id} if bot_member else set(members)
        return self.workspace.add_channel(
            name, channel_id=channel_id, is_private=is_private, members=people
        )

    def messages(self, channel_id: str, *, thread_ts: str | None = None) -> list[dict]:
        """Top-level messages of a channel, or one thread's replies; files are full objects."""
        return self.workspace.messages(channel_id, thread_ts=thread_ts)

    def ephemeral(self, channel_id: str | None = None, user_id: str | None = None) -> list[dict]:
        """Ephemeral messages (chat.postEphemeral, response_url and command replies)."""
        return self.workspace.ephemeral(channel_id, user_id)

    def add_file(
        self,
        *,
        name: str,
        content: bytes,
        user: str,
        filetype: str | None = None,
        mimetype: str | None = None,
    ) -> dict:
        """Store a (not yet shared) file; return its Slack file object, URLs on this server."""
        file_id = self.workspace.new_file(
            name=name,
            user=user,
            content=content,
            declared_length=len(content),
            filetype=filetype,
            mimetype=mimetype,
        )
        return self.workspace.file_object(file_id)

    def file_info(self, file_id: str) -> dict:
        """The file object as ``files.info`` returns it (shares included)."""
        return self.workspace.file_object(file_id)

    def file_bytes(self, file_id: str) -> bytes:
        """The uploaded bytes of a file; KeyError if it has none."""
        content = self.workspace.files[file_id].content
        if content is None:
            raise KeyError(f"{file_id} was never uploaded")
        return content
