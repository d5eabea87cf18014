"""Small pieces the page's routes share: reading a request, answering how the app replied.

Kept apart from ``browser.py`` (the message, upload and click routes) and
``browser_gestures.py`` (views and channels) so both read requests and answer the same way.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .client import AppResponse
from .routes import parse_body
from .server import HttpReply, Request

# What Slack shows in a modal when the app fails to answer a submission (or answers an error).
TROUBLE = "We had some trouble connecting. Try again?"


class BadRequest(Exception):
    """A malformed browser request; becomes a 400 with ``error`` as the message."""


def app_reply(resp: AppResponse, *, command: str | None = None) -> HttpReply:
    """Tell the page how the bot answered: Slack shows the user an error when it fails."""
    if resp.status != 200:
        error = f'{command or "The app"} failed with the error "{resp.status}"'
        return HttpReply.json({"ok": False, "error": error, "app_status": resp.status}, status=502)
    return HttpReply.json({"ok": True, "app_status": resp.status})


def json_body(req: Request) -> dict:
    """The JSON (or form) body plus query parameters; ``{}`` for an empty body."""
    if not req.raw:
        return dict(req.query)
    try:
        return parse_body(req)
    except ValueError as e:  # pragma: no cover - parse_body already tolerates bad JSON
        raise BadRequest("bad_json") from e


def same_origin(req: Request) -> bool:
    """Refuse posts from other sites' pages: their ``Origin`` differs from our ``Host``."""
    origin = req.headers.get("origin")
    if not origin:
        return True  # not a browser cross-site request (curl, tests, same-origin GET)
    return urlsplit(origin).netloc == req.headers.get("host", "")


def to_int(value: str | None, *, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError as e:
        raise BadRequest("bad_integer") from e


def text(body: dict, name: str) -> str:
    """``body[name]`` as a stripped string; BadRequest ``missing_<name>`` when empty."""
    value = str(body.get(name) or "").strip()
    if not value:
        raise BadRequest(f"missing_{name}")
    return value
