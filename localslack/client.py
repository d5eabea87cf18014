"""The local Slack acting as Slack towards the app: signed HTTP requests to its events URL.

Requests are signed exactly as Slack signs them (``v0:{timestamp}:{raw body}``, HMAC-SHA256
with the signing secret, a fresh timestamp) and sent with urllib through an opener that
ignores proxy variables, so a stray ``HTTPS_PROXY`` cannot send them elsewhere.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from slack_sdk.signature import SignatureVerifier


class AppResponse(NamedTuple):
    """The app's answer: ``status, body, headers = response`` (header names lower-case)."""

    status: int
    body: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Delivery:
    """One request sent to the app, with its answer and how long the app took."""

    kind: str
    body: str
    headers: dict[str, str]
    response: AppResponse
    elapsed: float
    time: float


def events_url(app_url: str) -> str:
    """``app_url`` itself if it has a path, else ``<app_url>/slack/events``."""
    if urlsplit(app_url).path in ("", "/"):
        return app_url.rstrip("/") + "/slack/events"
    return app_url


class AppClient:
    """Sends signed requests to the app and remembers them (``deliveries``)."""

    def __init__(self, *, signing_secret: str, timeout: float = 10.0) -> None:
        self.app_url: str | None = None
        self.timeout = timeout
        self._verifier = SignatureVerifier(signing_secret)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []

    def signed_headers(self, body: str, *, content_type: str, timestamp: int | None = None) -> dict:
        """Headers Slack sends with ``body``: content type, timestamp and v0 signature."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self._verifier.generate_signature(timestamp=ts, body=body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }

    def send_signed(
        self, body: str, *, kind: str, content_type: str, extra: dict | None = None
    ) -> AppResponse:
        """Sign ``body`` with a fresh timestamp and POST it to the app."""
        headers = self.signed_headers(body, content_type=content_type)
        headers.update(extra or {})
        return self.send_raw(body, headers, kind=kind)

    def send_raw(self, body: str, headers: dict, *, kind: str = "raw") -> AppResponse:
        """POST ``body`` with exactly ``headers`` (no signing) and return the app's answer.

        HTTP error statuses (401, 404, 500) are returned, not raised: tests assert on them.
        """
        if not self.app_url:
            raise RuntimeError("LocalSlack.app_url is not set: where is the app's /slack/events?")
        req = urllib.request.Request(
            events_url(self.app_url), data=body.encode(), headers=headers, method="POST"
        )
        started = time.perf_counter()
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                answer = AppResponse(resp.status, resp.read().decode(), _lower(resp.headers))
        except urllib.error.HTTPError as e:
            answer = AppResponse(e.code, e.read().decode(), _lower(e.headers))
        elapsed = time.perf_counter() - started
        with self._lock:
            self._deliveries.append(
                Delivery(kind, body, dict(headers), answer, elapsed, time.time())
            )
        return answer

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """Requests sent so far, oldest first, optionally of one kind (command, event, ...)."""
        with self._lock:
            return [d for d in self._deliveries if kind in (None, d.kind)]


def _lower(headers: object) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}  # type: ignore[attr-defined]
