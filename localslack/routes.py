"""The local Slack's routes: Web API, upload URLs, private file URLs and response_urls.

Each route parses a ``Request`` into the name it is recorded under, a body dict and a thunk
that does the work (see ``server.py``). ``deliver_response`` is shared with the client side,
because Slack treats a slash command's synchronous reply like a response_url post.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, quote

from . import webapi
from .errors import SlackError
from .files_and_hooks import Hook
from .objects import SIGN_IN_PAGE
from .payloads import APP_ID
from .server import BadDelivery, Handled, HttpReply, LocalSlackServer, Request
from .state import Workspace

SCOPES = "commands,chat:write,files:read,files:write,channels:history,groups:history,im:history,"
SCOPES += "channels:read,groups:read,channels:join,users:read,app_mentions:read"
MAX_HOOK_USES = 5  # Slack: a response_url accepts up to 5 posts
_FILE_PATH = re.compile(r"^/files-pri/(?P<team>[^-/]+)-(?P<file>[^/]+)/(?P<download>download/)?")


def parse_body(req: Request) -> dict:
    """Query parameters overlaid with a JSON or form body, whichever the body is."""
    body: dict = dict(req.query)
    text = req.raw.decode("utf-8", "replace")
    if req.headers.get("content-type", "").startswith("application/json") or text.startswith("{"):
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        body.update(data if isinstance(data, dict) else {})
    elif text:
        body.update(parse_qsl(text, keep_blank_values=True))
    return body


def deliver_response(ws: Workspace, hook: Hook, payload: dict) -> None:
    """Act on a response_url (or slash command reply) payload the way Slack does."""
    msg: dict = {"text": str(payload.get("text") or "")}
    if isinstance(payload.get("blocks"), list):
        msg["blocks"] = payload["blocks"]
    original = hook.message_ts
    if original and _flag(payload.get("delete_original")):
        if hook.is_ephemeral:
            ws.replace_ephemeral(original, None)
        else:
            ws.delete(hook.channel_id, original)
    elif original and _flag(payload.get("replace_original")):
        if hook.is_ephemeral:
            ws.replace_ephemeral(original, msg)
        else:
            ws.update(hook.channel_id, original, msg)
    elif payload.get("response_type") == "in_channel":
        bot = {"user": ws.bot_user_id, "bot_id": ws.bot_id, "app_id": APP_ID}
        ws.post(hook.channel_id, {**bot, **msg}, thread_ts=payload.get("thread_ts") or None)
    else:
        extra = {"thread_ts": payload["thread_ts"]} if payload.get("thread_ts") else {}
        ws.add_ephemeral(hook.channel_id, hook.user_id, {**msg, **extra, "source": "response_url"})


def _flag(value: object) -> bool:
    return value in (True, "true", "1", 1)


class Routes:
    """Binds the routes to one workspace and bot token."""

    def __init__(
        self, *, workspace: Workspace, bot_token: str, bad_downloads: list[BadDelivery]
    ) -> None:
        self.ws = workspace
        self.bot_token = bot_token
        self.bad_downloads = bad_downloads  # shared with LocalSlack.degrade_next_download

    def install(self, server: LocalSlackServer) -> None:
        """Register every route on ``server``."""
        server.add_route("/api/", self.api)
        server.add_route("/upload/", self.upload)
        server.add_route("/files-pri/", self.private_file)
        server.add_route("/hooks/", self.hook)

    def _authorized(self, req: Request, body: dict | None = None) -> bool | None:
        """True for the bot token, False for another, None when no token was sent at all."""
        auth = req.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        token = token or (body or {}).get("token")
        return None if not token else token == self.bot_token

    def api(self, req: Request) -> Handled:
        """``/api/<method>``: auth check, then the method from ``webapi``."""
        name = req.path[len("/api/") :]
        body = parse_body(req)
        headers = {"x-oauth-scopes": SCOPES, "x-accepted-oauth-scopes": ""}

        def run() -> HttpReply:
            authorized = self._authorized(req, body)
            try:
                if name not in webapi.METHODS:
                    raise SlackError("unknown_method")
                if not authorized:
                    raise SlackError("invalid_auth" if authorized is False else "not_authed")
                data = webapi.call(self.ws, name, body)
            except SlackError as e:
                data = {"ok": False, "error": e.error, **e.extra}
            return HttpReply.json(data, headers=headers)

        return name, body, run

    def upload(self, req: Request) -> Handled:
        """``/upload/<file_id>``: the raw bytes of step 2 of files_upload_v2."""
        file_id = req.path.rstrip("/").rsplit("/", 1)[-1]

        def run() -> HttpReply:
            if req.http_method != "POST":
                return HttpReply(405, b"method not allowed")
            try:
                stored = self.ws.stored_file(file_id)
            except SlackError:
                return HttpReply(404, b"file not found")
            with self.ws.lock:
                stored.content = req.raw
            return HttpReply(200, f"OK - {len(req.raw)}".encode())

        return "upload", {"file_id": file_id, "size": len(req.raw)}, run

    def private_file(self, req: Request) -> Handled:
        """``/files-pri/<team>-<file>/[download/]<name>``: bytes with the token, else sign-in."""
        match = _FILE_PATH.match(req.path)

        def run() -> HttpReply:
            if not self._authorized(req):
                # Slack answers 200 with an HTML page, not 401: the pitfall bots must detect.
                return HttpReply(200, SIGN_IN_PAGE.encode(), "text/html; charset=utf-8")
            stored = self.ws.files.get(match["file"]) if match else None
            if not match or match["team"] != self.ws.team_id or stored is None:
                return HttpReply(404, b"<!DOCTYPE html><title>Not found</title>", "text/html")
            if stored.content is None:
                return HttpReply(404, b"<!DOCTYPE html><title>Not found</title>", "text/html")
            headers = {}
            if match["download"]:
                headers["Content-Disposition"] = (
                    f"attachment; filename*=UTF-8''{quote(stored.name)}"
                )
            with self.ws.lock:
                bad = self.bad_downloads.pop(0) if self.bad_downloads else None
            return HttpReply(200, stored.content, stored.mimetype, headers, bad=bad)

        return "files-pri", {"file_id": match["file"] if match else None, **req.query}, run

    def hook(self, req: Request) -> Handled:
        """``/hooks/.../<hook_id>``: a response_url post (JSON), answered ``ok``."""
        hook_id = req.path.rstrip("/").rsplit("/", 1)[-1]
        body = parse_body(req)

        def run() -> HttpReply:
            with self.ws.lock:
                hook = self.ws.hooks.get(hook_id)
                if hook is None:
                    return HttpReply(404, b"no_service")
                hook.uses += 1
                if hook.uses > MAX_HOOK_USES:
                    return HttpReply(404, b"used_url")
            try:
                deliver_response(self.ws, hook, body)
            except SlackError as e:
                return HttpReply(404, e.error.encode())
            return HttpReply(200, b"ok")

        return "hook", body, run
