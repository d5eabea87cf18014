"""Downloads: only Slack's own URLs get the token, a cut-off or stalled file is never used.

The first tests call ``download`` against tiny real HTTP servers on 127.0.0.1 (one that lies
about its Content-Length, one that trickles, one that redirects elsewhere); the rest share files
in the local Slack through the real bot and check what the user reads, that nothing was stored
and that the bot keeps working.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import storage
from bot.errors import UserError
from bot.slack import files
from bot.slack.files import Limits, allowed, download
from storage import Scope
from tests.bot.conftest import Running
from tests.bot.helpers import file_share_event, say, wait_results

BODY = b"Customer,Date,Amount\n" + b"1,2024-01-01,10\n" * 5000
FAST = Limits(idle=1.0, grace=1.0, min_rate=64 * 1024, total=5.0)


class Server:
    """A real HTTP server on 127.0.0.1 whose GET handler the test chooses; counts requests."""

    def __init__(self, respond: Callable[[BaseHTTPRequestHandler], None]) -> None:
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append({"path": self.path, **dict(self.headers)})
                respond(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.httpd.server_port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable]:
    servers: list[Server] = []

    def start(respond: Callable[[BaseHTTPRequestHandler], None]) -> Server:
        servers.append(Server(respond))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "RETRY_DELAYS", (0.05, 0.05))


def headers(h: BaseHTTPRequestHandler, length: int, status: int = 200) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "text/csv")
    h.send_header("Content-Length", str(length))
    h.end_headers()


def get(server: Server, path: str = "/f.csv", **kw: object) -> bytes:
    kw = {
        "token": "xoxb-secret",
        "hosts": (server.origin,),
        "max_bytes": 10**8,
        "name": "f.csv",
        **kw,
    }
    return download(server.origin + path, **kw)  # type: ignore[arg-type]


def test_a_whole_file_is_returned_and_names_are_quoted(serve: Callable) -> None:
    def whole(h: BaseHTTPRequestHandler) -> None:
        headers(h, len(BODY))
        h.wfile.write(BODY)

    server = serve(whole)
    assert get(server, "/files/my orders é.csv") == BODY
    assert server.requests[0]["path"] == "/files/my%20orders%20%C3%A9.csv"
    assert server.requests[0]["Authorization"] == "Bearer xoxb-secret"


def test_a_cut_off_download_is_never_used(serve: Callable) -> None:
    def cut(h: BaseHTTPRequestHandler) -> None:
        headers(h, len(BODY))  # the full length, then close after 60 %
        h.wfile.write(BODY[: len(BODY) * 6 // 10])
        h.close_connection = True

    server = serve(cut)
    with pytest.raises(UserError, match=r"was cut off: I received .* of .*Share it again"):
        get(server)
    assert len(server.requests) == 3  # retried twice, then told plainly


def test_slacks_size_catches_a_cut_off_without_a_length(serve: Callable) -> None:
    def chunkless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(BODY[:1000])
        h.close_connection = True

    with pytest.raises(UserError, match="cut off"):
        get(serve(chunkless), size=len(BODY))


@pytest.mark.parametrize("kind", ["stall", "trickle"])
def test_a_stalled_or_trickling_download_stops_at_the_deadline(serve: Callable, kind: str) -> None:
    def slow(h: BaseHTTPRequestHandler) -> None:
        headers(h, len(BODY))
        try:
            for i in range(len(BODY) if kind == "trickle" else 1):
                h.wfile.write(BODY[i : i + 1])
                h.wfile.flush()
                time.sleep(0.1 if kind == "trickle" else 30)
        except OSError:
            pass

    started = time.monotonic()
    with pytest.raises(UserError, match="too slow sending `f.csv`.*Share it again"):
        get(serve(slow), limits=FAST)
    assert time.monotonic() - started < 3  # not held for the whole file


def test_the_token_never_leaves_slacks_urls(serve: Callable) -> None:
    other = serve(lambda h: headers(h, 0))

    def redirect(h: BaseHTTPRequestHandler) -> None:
        h.send_response(307)
        h.send_header("Location", f"{other.origin}/stolen")
        h.send_header("Content-Length", "0")
        h.end_headers()

    slack = serve(redirect)
    with pytest.raises(UserError, match=r"only download files from Slack .* port"):
        get(slack)
    assert other.requests == []  # the redirect to another port was refused before it was sent
    host_only = ("127.0.0.1",)  # a bare host: https on 443 only, so plain http at any port fails
    for url in (f"{other.origin}/x", "file://127.0.0.1/etc/passwd", "ftp://127.0.0.1/x"):
        with pytest.raises(UserError, match="only download files from Slack"):
            download(url, token="t", hosts=host_only, max_bytes=10, name="x")
    assert other.requests == []


def test_allowed_urls() -> None:
    local = ("files.slack.com", "http://127.0.0.1:8080")
    assert allowed("https://files.slack.com/files-pri/T-F/a.csv", local)[1] == "files.slack.com"
    assert allowed("http://127.0.0.1:8080/files-pri/x", local)[2] == 8080
    for url in (
        "http://files.slack.com/a",  # not https
        "https://files.slack.com:8443/a",  # another port
        "https://files.slack.com@evil.example/a",  # user info
        "https://evil.example/a",
        "http://127.0.0.1:8081/a",  # not the configured origin
        "https://127.0.0.1:8080/a",
        "file:///etc/passwd",
        "https://files.slack.com:bad/a",
    ):
        with pytest.raises(UserError):
            allowed(url, local)


# ---- through the real bot ------------------------------------------------------------------


def nothing_stored(env: Running) -> bool:
    with storage.connect(env.settings.db_path) as db:
        return storage.latest_dataset(db, Scope(env.slack.team_id, env.channel)) is None


def status_saying(env: Running, words: str, timeout: float = 40) -> str:
    calls = env.slack.wait_for(
        "chat.update", where=lambda c: words in c.body.get("text", ""), timeout=timeout
    )
    return calls[-1].body["text"]


def test_a_truncated_download_is_reported_not_segmented(
    running: Running, sample_csv_bytes: bytes
) -> None:
    slack = running.slack
    slack.degrade_next_download(cut_at=len(sample_csv_bytes) * 6 // 10, times=3)
    slack.share_file(
        channel_id=running.channel, user_id=running.user, name="cut.csv", content=sample_csv_bytes
    )
    text = status_saying(running, "cut off")
    assert "I couldn't segment `cut.csv`" in text and "Share it again" in text
    assert "Something went wrong" not in text
    assert nothing_stored(running)
    assert len(slack.calls("files-pri")) == 3
    # the bot keeps serving: commands, and the same export shared again is segmented whole
    assert "/segment" in say(slack, "help", channel=running.channel, user=running.user)
    slack.share_file(
        channel_id=running.channel, user_id=running.user, name="whole.csv", content=sample_csv_bytes
    )
    wait_results(slack, running.channel)
    assert not nothing_stored(running)


def test_a_stalled_download_frees_the_worker_with_a_plain_answer(
    running: Running, sample_csv_bytes: bytes
) -> None:
    slack = running.slack
    slack.degrade_next_download(stall_at=100)
    started = time.monotonic()
    slack.share_file(
        channel_id=running.channel, user_id=running.user, name="slow.csv", content=sample_csv_bytes
    )
    assert "/segment" in say(slack, "help", channel=running.channel, user=running.user)
    text = status_saying(running, "too slow")
    assert time.monotonic() - started < 30  # the 10 s deadline, not the stall's 120 s
    assert "only 100 bytes arrived" in text and "Share it again" in text
    assert nothing_stored(running)
    slack.share_file(
        channel_id=running.channel, user_id=running.user, name="next.csv", content=sample_csv_bytes
    )
    wait_results(slack, running.channel)


def test_names_with_spaces_and_accents_download(running: Running, sample_csv_bytes: bytes) -> None:
    name = "Ventes été 2024 (copie).csv"
    running.slack.share_file(
        channel_id=running.channel, user_id=running.user, name=name, content=sample_csv_bytes
    )
    wait_results(running.slack, running.channel)
    assert running.slack.calls("files-pri")[0].status == 200


@pytest.mark.parametrize(
    "url",
    [
        "file://127.0.0.1/etc/passwd",
        "http://127.0.0.1:9/files-pri/x/download/orders.csv",
        "https://127.0.0.1/files-pri/x/download/orders.csv",
    ],
)
def test_urls_off_slack_are_refused_without_the_token(
    running: Running, sample_csv_bytes: bytes, url: str
) -> None:
    slack = running.slack
    event = file_share_event(
        slack, running.channel, running.user, sample_csv_bytes, lambda _url: url
    )
    slack.send_event(event)
    text = status_saying(running, "only download files", timeout=20)
    assert "root:" not in text and "Upload the export to Slack directly" in text
    assert not slack.calls("files-pri") and nothing_stored(running)
