"""HTTP mode: Bolt behind a threaded WSGI server, with a fix for Bolt's "payload" body bug.

Bolt's ``App.start`` serves one request at a time; a threaded ``wsgiref`` server keeps
``/segment`` acknowledgements fast while other requests are in flight. Bolt 1.30 parses any
form body containing the substring "payload" as an interactivity payload, so ``/segment
payload`` (or a channel named "payloads") would come out empty and be answered 404;
``FormSafeRequest`` re-parses such bodies as the plain form they are.
"""

from __future__ import annotations

import threading
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


class BotRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter using ``FormSafeRequest``."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        return self.app.dispatch(
            FormSafeRequest(
                body=request.get_body(), query=request.query_string, headers=request.get_headers()
            )
        )


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
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
