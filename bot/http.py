"""HTTP mode: Bolt behind a threaded WSGI server, with a fix for Bolt's "payload" body bug.

Bolt's ``App.start`` serves one request at a time; a threaded ``wsgiref`` server keeps
``/segment`` acknowledgements fast while other requests are in flight. Bolt 1.30 parses any
form body containing the substring "payload" as an interactivity payload, so ``/segment
payload`` (or a channel named "payloads") would come out empty and be answered 404;
``FormSafeRequest`` re-parses such bodies as the plain form they are.

The server holds up under abuse (``BotRequestHandler`` and ``QuietHandler``): a body over
``MAX_BODY`` bytes is refused (413) from its Content-Length, before any of it is read or the
signature checked; a request must arrive within ``REQUEST_SECONDS`` and no read waits more than
``IDLE_SECONDS``, so idle and half-sent connections free their thread; a non-numeric
``X-Slack-Request-Timestamp`` is 401 (Bolt would raise); the listen backlog takes a burst of
``BACKLOG`` connections without dropping any.
"""

from __future__ import annotations

import io
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.context import BoltContext
from slack_bolt.request.internals import build_context
from slack_bolt.response import BoltResponse


class FormSafeRequest(BoltRequest):
    """A BoltRequest whose form body is parsed correctly even when it mentions "payload"."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        raw = self.raw_body
        if self.mode == "http" and raw and not raw.startswith("{") and "payload" in raw:
            form = dict(parse_qsl(raw, keep_blank_values=True))
            if "payload" not in form:
                self.body = form
                self.context = build_context(BoltContext(kwargs.get("context") or {}), self.body)  # type: ignore[arg-type]

    def to_copyable(self) -> BoltRequest:
        copy = super().to_copyable()
        copy.body = self.body
        return copy


MAX_BODY = 2 * 1024 * 1024  # Slack's own requests are a few KB; refuse anything over 2 MB
IDLE_SECONDS = 10.0  # no read waits longer than this
REQUEST_SECONDS = 20.0  # the request line, headers and body must all arrive within this
BACKLOG = 1024  # connections the kernel queues before accept (the kernel caps it at somaxconn)
_TIMESTAMP = re.compile(r"[0-9]{1,15}")


def refusal(environ: dict) -> tuple[str, str] | None:
    """(status, reason) for a request to refuse before reading its body, else None."""
    raw_length = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not (raw_length.isascii() and raw_length.isdigit()):
        return "400 Bad Request", "bad Content-Length"
    if int(raw_length) > MAX_BODY:
        return "413 Payload Too Large", f"request bodies are limited to {MAX_BODY} bytes"
    stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    if stamp is not None and not _TIMESTAMP.fullmatch(stamp):
        return "401 Unauthorized", "invalid request"
    return None


def _plain(start_response: Callable, status: str, reason: str) -> list[bytes]:
    body = reason.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


class BotRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter using ``FormSafeRequest``, refusing oversized or malformed requests
    and reading the body itself (within the request deadline) before Bolt sees it."""

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            refused = refusal(environ)
            if refused is not None:
                return _plain(start_response, *refused)
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                body = environ["wsgi.input"].read(length) if length else b""
            except OSError:  # TimeoutError included: a half-sent body
                return _plain(start_response, "408 Request Timeout", "request timed out")
            if len(body) < length:
                return _plain(start_response, "400 Bad Request", "incomplete body")
            environ["wsgi.input"] = io.BytesIO(body)
        return super().__call__(environ, start_response)

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        return self.app.dispatch(
            FormSafeRequest(
                body=request.get_body(), query=request.query_string, headers=request.get_headers()
            )
        )


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that timed out or went away is routine; anything else is printed."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _DeadlineReader(io.RawIOBase):
    """A connection's reads, each waiting at most ``IDLE_SECONDS`` and all of them ending by
    ``deadline``: a client trickling its headers or body cannot hold a thread for long."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock, self.deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request took too long to arrive")
        self.sock.settimeout(min(IDLE_SECONDS, remaining))
        try:
            return self.sock.recv_into(buffer)
        finally:
            self.sock.settimeout(IDLE_SECONDS)


class QuietHandler(WSGIRequestHandler):
    timeout = IDLE_SECONDS  # StreamRequestHandler applies it to the connection

    def setup(self) -> None:
        super().setup()
        raw = _DeadlineReader(self.connection, time.monotonic() + REQUEST_SECONDS)
        self.rfile = io.BufferedReader(raw, 64 * 1024)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(app: App, *, host: str, port: int) -> ThreadingWSGIServer:
    """A threaded WSGI server for ``app`` at ``/slack/events`` (not yet serving)."""
    return make_server(
        host,
        port,
        BotRequestHandler(app),
        server_class=ThreadingWSGIServer,
        handler_class=QuietHandler,
    )


def serve_in_thread(
    app: App, *, host: str = "127.0.0.1", port: int = 0
) -> tuple[ThreadingWSGIServer, threading.Thread]:
    """Start serving on a daemon thread (tests, benchmarks, the local workspace)."""
    server = serve(app, host=host, port=port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return server, thread
