"""HTTP plumbing of the local Slack: a threading server that parses, records and answers.

Routes are ``(path prefix, handler)`` pairs, so the Web API's (``routes.py``) and the web
page's (``browser.py``) plug in without touching this module. A handler parses the request into the name it is
recorded under plus a body dict, and returns a thunk that produces the reply; the server runs
the thunk only if no failure was injected for that name, records the call, then answers.
Recording before answering means that when a client sees its response, tests can see the call.

Only the server's own host names are answered (127.0.0.1, localhost and the host it was
started on): another ``Host`` or ``Origin`` (DNS rebinding, a page on another site) gets 403
before anything is read or recorded. A reply may carry a ``BadDelivery`` (a download cut off,
trickling or stalled with its full Content-Length) for the bot's failure tests.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import socketserver
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .recording import Call, Failure, Recorder


@dataclass(frozen=True)
class Request:
    """An incoming request: ``headers`` have lower-case names; ``query`` is the parsed query."""

    http_method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes


@dataclass(frozen=True)
class BadDelivery:
    """Send a body badly: close after ``cut_at`` bytes, ``rate`` bytes a second, or nothing
    more after ``stall_at`` bytes until the client hangs up (at most ``STALL_SECONDS``)."""

    cut_at: int | None = None
    rate: float | None = None
    stall_at: int | None = None


STALL_SECONDS = 120.0
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")


def send_badly(sock: socket.socket, wfile: object, body: bytes, bad: BadDelivery) -> None:
    """Write ``body`` the way ``bad`` says; the caller then closes the connection."""
    write = wfile.write  # type: ignore[attr-defined]
    if bad.rate:
        for i in range(len(body)):
            write(body[i : i + 1])
            wfile.flush()  # type: ignore[attr-defined]
            time.sleep(1 / bad.rate)
        return
    stop = bad.cut_at if bad.cut_at is not None else bad.stall_at
    write(body[: stop if stop is not None else len(body)])
    wfile.flush()  # type: ignore[attr-defined]
    if bad.stall_at is not None:
        deadline = time.monotonic() + STALL_SECONDS
        while time.monotonic() < deadline:  # until the client gives up (its socket reads EOF)
            if select.select([sock], [], [], 0.2)[0]:
                break


@dataclass
class HttpReply:
    """An HTTP response of the local Slack server: status, body bytes, content type, headers."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    bad: BadDelivery | None = None

    @classmethod
    def json(cls, data: dict, *, status: int = 200, headers: dict | None = None) -> HttpReply:
        """A JSON reply, as the Web API sends."""
        body = json.dumps(data).encode()
        return cls(status, body, "application/json; charset=utf-8", dict(headers or {}))

    def recorded(self) -> dict | str:
        """The body as tests see it in ``Call.response``: a dict for JSON, else text."""
        if self.content_type.startswith("application/json"):
            return json.loads(self.body)
        if self.content_type.startswith(("text/", "application/x-www")):
            return self.body.decode("utf-8", "replace")
        return f"<{len(self.body)} bytes>"


Handled = tuple[str, dict, Callable[[], HttpReply]]
Route = Callable[[Request], Handled]


def failure_reply(failure: Failure, *, api: bool) -> HttpReply:
    """The reply for an injected failure: 429 with Retry-After, another status, or ok:false."""
    if failure.status == 429:
        headers = {
            "Retry-After": str(failure.retry_after if failure.retry_after is not None else 1)
        }
        return HttpReply.json({"ok": False, "error": "ratelimited"}, status=429, headers=headers)
    if api:
        return HttpReply.json({"ok": False, "error": failure.error}, status=failure.status)
    return HttpReply(failure.status, failure.error.encode())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Slack's edge does
    server: LocalSlackServer

    def do_GET(self) -> None:  # http.server dispatches on do_<VERB>
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: tests read ``calls()``, not stderr."""

    def handle(self) -> None:
        """Serve the connection; a client gone mid-reply (a closed browser tab ends its
        long-poll) is routine, not a traceback on the console."""
        try:
            super().handle()
        except ConnectionError:  # BrokenPipeError, ConnectionResetError, ConnectionAbortedError
            self.close_connection = True

    def _dispatch(self) -> None:
        refused = self.server.refusal(self.headers.get("Host"), self.headers.get("Origin"))
        if refused:
            self.close_connection = True
            self._send(HttpReply.json({"ok": False, "error": refused}, status=403))
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        req = Request(
            http_method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            raw=raw,
        )
        self._send(self.server.respond(req))

    def _send(self, reply: HttpReply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if reply.bad is None:
            self.wfile.write(reply.body)
            return
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client hung up, as it should on a bad download
            send_badly(self.connection, self.wfile, reply.body, reply.bad)


class LocalSlackServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that routes by path prefix and records every request."""

    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 drops connections under a burst of concurrent clients, and a
    # dropped SYN costs a one-second retransmit: fatal for a p99 latency benchmark.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], *, recorder: Recorder) -> None:
        self.recorder = recorder
        self.routes: list[tuple[str, Route]] = []
        names = {*LOCAL_NAMES, str(address[0]).lower()}
        if address[0] in ("0.0.0.0", "::", ""):  # bound to every interface: its own names too
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.own_names = frozenset(names)
        super().__init__(address, _Handler)

    def refusal(self, host: str | None, origin: str | None) -> str | None:
        """``unknown_host`` unless ``Host`` names this server, ``cross_origin`` when a page of
        another site sent the request (its ``Origin``); None for a request to answer."""
        if not host or urlsplit(f"//{host}").hostname not in self.own_names:
            return "unknown_host"
        if origin is None:
            return None
        parts = urlsplit(origin)
        own = parts.scheme in ("http", "https") and parts.hostname in self.own_names
        return None if own else "cross_origin"

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse-DNS lookup (``getfqdn``), which can stall offline."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def add_route(self, prefix: str, route: Route) -> None:
        """Serve paths starting with ``prefix``; the longest matching prefix wins."""
        self.routes.append((prefix, route))
        self.routes.sort(key=lambda r: len(r[0]), reverse=True)

    def respond(self, req: Request) -> HttpReply:
        """Route, inject failures, record, and return the reply."""
        route = next((r for prefix, r in self.routes if req.path.startswith(prefix)), None)
        if route is None:
            name, body, make = "not_found", {}, lambda: HttpReply(404, b"not found")
        else:
            name, body, make = route(req)
        failure = self.recorder.take_failure(name)
        try:
            reply = failure_reply(failure, api=req.path.startswith("/api/")) if failure else make()
        except Exception:
            # A bug in the fake must surface in the test log, yet the client still gets an
            # answer shaped like Slack's own 500.
            traceback.print_exc()
            reply = HttpReply.json({"ok": False, "error": "fatal_error"}, status=500)
        self.recorder.record(
            Call(
                method=name,
                path=req.path,
                http_method=req.http_method,
                headers=req.headers,
                body=body,
                raw=req.raw,
                time=time.time(),
                status=reply.status,
                response=reply.recorded(),
            )
        )
        return reply

    def start_thread(self) -> threading.Thread:
        """Serve forever on a daemon thread; return it."""
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        return thread
