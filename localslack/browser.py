"""The browser side of the local Slack: the Slack-like page and the JSON routes it calls.

A person in a browser plays one local user (``?as=U…`` on any route switches to another of the
``people`` the page was given, so membership rules can be seen). The page long-polls ``GET /local/state`` for the
workspace, and its gestures become the same ``ActingAsSlack`` calls tests make, so the bot
receives exactly the signed requests Slack would send:

* ``GET /``, ``/page/app.css``, ``/page/app.js``: the page (plain files, no build step).
* ``GET /local/state?since=REV``: channels, users, messages with their thread replies,
  the local user's ephemeral messages and the ``revision``; waits up to ``timeout`` seconds
  (default 25) while the revision is still ``since``.
* ``POST /local/message`` ``{"channel", "text", "thread_ts"?}``: a message, or ``/segment …``
  as a slash command.
* ``POST /local/upload?channel=C…&name=orders.csv[&thread_ts=…]`` with the raw bytes.
* ``POST /local/sample`` ``{"channel", "thread_ts"?}``: shares the injected sample export.
* ``POST /local/action`` ``{"channel", "message_ts", "action_id", "value"?,
  "selected_value"?}``: a button click or a select choice.
* ``GET /local/files/<id>[?download=1]``: a file's bytes, without a token (local only).
* Modals, the App Home and channels (create, rename, invite, ``/invite @name``): the routes
  of ``browser_gestures``.

Answers are JSON ``{"ok": true, ...}`` or ``{"ok": false, "error": ...}`` with a 4xx status.

The page's files and its view of the workspace are read in ``browser_view``; this module
holds the routes, which turn the user's gestures into Slack's requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol
from urllib.parse import quote

from .browser_gestures import Gestures
from .browser_http import BadRequest, app_reply, json_body, same_origin, to_int
from .browser_view import page_file, page_state
from .client import AppResponse
from .errors import SlackError
from .server import Handled, HttpReply, LocalSlackServer, Request
from .state import Workspace

MAX_WAIT = 25.0  # seconds a state long-poll may hang; browsers and proxies tolerate 30+

SampleExport = Callable[[], tuple[str, bytes]]
STARTING = "segbot is still starting: try again in a moment."


class Actor(Protocol):
    """What the routes need from ``LocalSlack``: its workspace and the acting-as-Slack side."""

    workspace: Workspace
    app_url: str | None

    def send_command(self, text: str, *, channel_id: str, user_id: str) -> AppResponse: ...

    def send_message(
        self, *, channel_id: str, user_id: str, text: str, thread_ts: str | None = None
    ) -> dict: ...

    def share_file(self, **kwargs: object) -> dict: ...

    def click_button(self, **kwargs: object) -> AppResponse: ...

    def choose_option(self, **kwargs: object) -> AppResponse: ...


class BrowserRoutes:
    """The page and ``/local/...`` routes for one local user of one ``LocalSlack``.

    ``sample_export`` returns ``(file_name, bytes)`` for "Upload sample data"; without it that
    route answers 404 and the page hides the button.
    """

    def __init__(
        self,
        local: Actor,
        *,
        user_id: str,
        sample_export: SampleExport | None = None,
        title: str = "segbot",
        people: Sequence[str] = (),
    ) -> None:
        self.local = local
        self.ws = local.workspace
        self.user_id = user_id
        self.people = [user_id, *(p for p in people if p != user_id)]  # whom the page may play
        self.gestures = Gestures(local, me=self.me)
        self.sample_export = sample_export
        self.title = title
        self._sample_lock = threading.Lock()  # a double click must not build two samples at once

    def install(self, server: LocalSlackServer) -> None:
        """Register the page (``/``) and the JSON routes (``/local/``) on ``server``."""
        server.add_route("/local/", self.local_route)
        server.add_route("/", self.page)

    # the page --------------------------------------------------------------------------------

    def page(self, req: Request) -> Handled:
        """Serve the page's three files; anything else under ``/`` is a 404."""

        return "page", {"path": req.path}, lambda: page_file(req.path)

    # JSON routes -----------------------------------------------------------------------------

    def local_route(self, req: Request) -> Handled:
        """Dispatch ``/local/<name>``; recorded as ``local/<name>``."""
        name = req.path[len("/local/") :].split("/", 1)[0]
        handlers: dict[tuple[str, str], Callable[[Request], HttpReply]] = {
            ("GET", "state"): self.state,
            ("POST", "message"): self.message,
            ("POST", "upload"): self.upload,
            ("POST", "sample"): self.sample,
            ("POST", "action"): self.action,
            ("GET", "files"): self.file,
            **self.gestures.handlers(),
        }
        handler = handlers.get((req.http_method, name))
        body = {"size": len(req.raw)} if name == "upload" else json_body(req)

        def run() -> HttpReply:
            if handler is None:
                return HttpReply.json({"ok": False, "error": "unknown_route"}, status=404)
            if req.http_method == "POST" and not same_origin(req):
                return HttpReply.json({"ok": False, "error": "cross_origin"}, status=403)
            if req.http_method == "POST" and not self.local.app_url:  # the page is up first
                return HttpReply.json({"ok": False, "error": STARTING}, status=503)
            try:
                return handler(req)
            except (BadRequest, SlackError, AssertionError) as e:
                error = e.error if isinstance(e, SlackError) else str(e)
                detail = e.extra.get("detail") if isinstance(e, SlackError) else None
                if detail:  # a refusal Slack's own client shows (a taken name): as its API, 200
                    return HttpReply.json({"ok": False, "error": detail, "code": error})
                return HttpReply.json({"ok": False, "error": error}, status=400)
            except OSError as e:  # the bot is down or did not answer in time
                error = f"The app could not be reached: {getattr(e, 'reason', e)}"
                return HttpReply.json({"ok": False, "error": error}, status=502)

        return f"local/{name}", body, run

    def state(self, req: Request) -> HttpReply:
        """The workspace as the local user sees it, after waiting for news past ``since``."""
        since = to_int(req.query.get("since"), default=-1)
        timeout = min(float(to_int(req.query.get("timeout"), default=int(MAX_WAIT))), MAX_WAIT)
        if since >= 0:
            self.ws.wait_for_change(since, timeout)
        return HttpReply.json(self.snapshot(self.me(req)), headers={"Cache-Control": "no-store"})

    def snapshot(self, user_id: str | None = None) -> dict:
        """What ``user_id`` (default: the local user) sees, in one consistent read."""
        return page_state(
            self.ws,
            user_id=user_id or self.user_id,
            title=self.title,
            has_sample=self.sample_export is not None,
            people=self.people,
        )

    def me(self, req: Request) -> str:
        """The user the page plays: ``?as=U…`` (one of ``people``), else the local user."""
        user_id = req.query.get("as") or self.user_id
        if user_id not in self.people:
            raise BadRequest("unknown_user")
        return user_id

    def message(self, req: Request) -> HttpReply:
        """Text from the composer: a ``/segment …`` command or a message (maybe in a thread)."""
        body = json_body(req)
        channel_id = self._channel(body)
        text = str(body.get("text") or "").strip()
        if not text:
            raise BadRequest("empty_message")
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            if command == "/invite":
                return self.gestures.invite_command(req, channel_id, rest)
            resp = self.local.send_command(
                rest.strip(), channel_id=channel_id, user_id=self.me(req)
            )
            return app_reply(resp, command=command)
        thread_ts = body.get("thread_ts") or None
        sent = self.local.send_message(
            channel_id=channel_id, user_id=self.me(req), text=text, thread_ts=thread_ts
        )
        return HttpReply.json({"ok": True, "ts": sent["ts"]})

    def upload(self, req: Request) -> HttpReply:
        """The raw bytes of a picked or dropped file, shared in a channel or thread."""
        name = (req.query.get("name") or "").strip().replace("/", "_").replace("\\", "_")
        if not name:
            raise BadRequest("missing_name")
        if not req.raw:
            raise BadRequest("empty_file")
        thread_ts = req.query.get("thread_ts")
        return self._share(req, self._channel(req.query), name, req.raw, thread_ts)

    def sample(self, req: Request) -> HttpReply:
        """Share the sample export made by the injected ``sample_export`` provider."""
        if self.sample_export is None:
            return HttpReply.json({"ok": False, "error": "no_sample_export"}, status=404)
        body = json_body(req)
        channel_id = self._channel(body)
        with self._sample_lock:
            name, content = self.sample_export()
        return self._share(req, channel_id, name, content, body.get("thread_ts"))

    def _share(
        self, req: Request, channel_id: str, name: str, content: bytes, thread_ts: object
    ) -> HttpReply:
        shared = self.local.share_file(
            channel_id=channel_id,
            user_id=self.me(req),
            name=name,
            content=content,
            thread_ts=str(thread_ts) if thread_ts else None,
        )
        statuses = [r.status for r in shared["responses"]]
        return HttpReply.json(
            {"ok": True, "ts": shared["ts"], "file_id": shared["file"]["id"], "app": statuses}
        )

    def action(self, req: Request) -> HttpReply:
        """A click on a button or a choice in a select of a (possibly ephemeral) message."""
        body = json_body(req)
        channel_id = self._channel(body)
        ts = str(body.get("message_ts") or "")
        action_id = str(body.get("action_id") or "")
        if not ts or not action_id:
            raise BadRequest("missing_message_ts_or_action_id")
        common = {
            "channel_id": channel_id,
            "user_id": self.me(req),
            "message_ts": ts,
            "action_id": action_id,
        }
        if body.get("selected_value") is not None:
            resp = self.local.choose_option(**common, selected_value=str(body["selected_value"]))
        else:
            value = body.get("value")
            resp = self.local.click_button(**common, value=None if value is None else str(value))
        return app_reply(resp)

    def file(self, req: Request) -> HttpReply:
        """A file's bytes for ``<img>`` and download links; CSVs and other data download."""
        file_id = req.path.rstrip("/").rsplit("/", 1)[-1]
        stored = self.ws.stored_file(file_id)
        if stored.content is None:
            return HttpReply.json({"ok": False, "error": "file_not_uploaded"}, status=404)
        inline = stored.mimetype.startswith("image/") and req.query.get("download") != "1"
        disposition = "inline" if inline else "attachment"
        headers = {
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(stored.name)}",
            "Cache-Control": "private, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        }
        return HttpReply(200, stored.content, stored.mimetype, headers)

    def _channel(self, body: dict) -> str:
        ref = str(body.get("channel") or "")
        if not ref:
            raise BadRequest("missing_channel")
        return self.ws.channel(ref).id


def install_page(
    local: Actor,
    server: LocalSlackServer,
    *,
    user_id: str,
    sample_export: SampleExport | None = None,
    people: Sequence[str] = (),
) -> BrowserRoutes:
    """Serve the page and ``/local/...`` on ``server`` for ``user_id`` (who may switch to any of
    ``people``); return the routes."""
    routes = BrowserRoutes(local, user_id=user_id, sample_export=sample_export, people=people)
    routes.install(server)
    return routes


__all__ = ["BrowserRoutes", "SampleExport", "install_page"]
