"""The page's routes for views and channels: modals, the App Home, creating, renaming, inviting.

* ``POST /local/home`` ``{"tab"?}``: the user opens segbot's Home (or Messages) tab.
* ``POST /local/view_action`` ``{"surface": "home"|"modal", "view_id", "action_id", "value"?}``:
  a button in the App Home or the open modal.
* ``POST /local/view_submit`` ``{"view_id", "values": {action_id: value}}``: the open modal
  submitted; the answer carries the app's inline ``errors`` (``{}`` when the modal closed).
* ``POST /local/view_close`` ``{"view_id", "all"?}``: **Close** (back one view) or ✕ (all).
* ``POST /local/channel`` ``{"name"}`` creates a channel; ``{"channel", "name"}`` renames one.
* ``POST /local/invite`` ``{"channel", "user"}``: adds a person or the bot to a channel.

A view the user no longer has open (a second submission, a click in a closed modal) is
answered 400 ``view_not_open``, a submission while one is in flight ``view_submitting``: Slack's
client has nothing left to click there either.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable

from .acting_channels import SENTENCES
from .browser_http import TROUBLE, BadRequest, app_reply, json_body, text
from .errors import SlackError
from .server import HttpReply, Request
from .state import Workspace

Handler = Callable[[Request], HttpReply]
_MENTION = re.compile(r"^<?@([^>|\s]+)(?:\|[^>]*)?>?$")


class Gestures:
    """View and channel routes for ``local`` (a ``LocalSlack``); ``me(req)`` is the user played."""

    def __init__(self, local: object, *, me: Callable[[Request], str]) -> None:
        self.local = local
        self.ws: Workspace = local.workspace  # type: ignore[attr-defined]
        self.me = me
        self._submitting: set[str] = set()  # view ids with a submission in flight
        self._lock = threading.Lock()

    def handlers(self) -> dict[tuple[str, str], Handler]:
        return {
            ("POST", "home"): self.home,
            ("POST", "view_action"): self.view_action,
            ("POST", "view_submit"): self.view_submit,
            ("POST", "view_close"): self.view_close,
            ("POST", "channel"): self.channel,
            ("POST", "invite"): self.invite,
        }

    # views --------------------------------------------------------------------------------------

    def home(self, req: Request) -> HttpReply:
        tab = "messages" if json_body(req).get("tab") == "messages" else "home"
        self.local.open_app_home(self.me(req), tab=tab)  # type: ignore[attr-defined]
        return HttpReply.json({"ok": True})  # the event's answer changes nothing Slack shows

    def _open_view(self, user_id: str, surface: str, view_id: str) -> dict:
        views = self.ws.views
        view = views.home(user_id) if surface == "home" else views.top(user_id)
        if view is None or view["id"] != view_id:
            raise SlackError("view_not_open")
        return view

    def view_action(self, req: Request) -> HttpReply:
        body, user_id = json_body(req), self.me(req)
        surface = "home" if body.get("surface") == "home" else "modal"
        self._open_view(user_id, surface, text(body, "view_id"))
        value = body.get("value")
        resp = self.local.click_in_view(  # type: ignore[attr-defined]
            user_id=user_id,
            action_id=text(body, "action_id"),
            surface=surface,
            value=None if value is None else str(value),
        )
        return app_reply(resp)

    def view_submit(self, req: Request) -> HttpReply:
        body, user_id = json_body(req), self.me(req)
        view_id = text(body, "view_id")
        values = body.get("values") or {}
        if not isinstance(values, dict):
            raise BadRequest("bad_values")
        with self._lock:
            self._open_view(user_id, "modal", view_id)
            if view_id in self._submitting:
                raise SlackError("view_submitting")
            self._submitting.add(view_id)
        try:
            resp = self.local.submit_view(  # type: ignore[attr-defined]
                user_id, {str(k): str(v) for k, v in values.items()}, strict=False
            )
        except OSError:  # the app is down: the modal stays open, as in Slack
            return HttpReply.json({"ok": False, "error": TROUBLE}, status=502)
        finally:
            with self._lock:
                self._submitting.discard(view_id)
        if resp.status != 200:
            return HttpReply.json({"ok": False, "error": TROUBLE}, status=502)
        errors = self.local.view_errors(view_id)  # type: ignore[attr-defined]
        return HttpReply.json({"ok": True, "errors": errors})

    def view_close(self, req: Request) -> HttpReply:
        body, user_id = json_body(req), self.me(req)
        self._open_view(user_id, "modal", text(body, "view_id"))
        with contextlib.suppress(OSError):  # Slack closes it whether or not the app hears of it
            self.local.close_view(user_id, all_views=bool(body.get("all")))  # type: ignore[attr-defined]
        return HttpReply.json({"ok": True})

    # channels ----------------------------------------------------------------------------------

    def channel(self, req: Request) -> HttpReply:
        """Create ``name`` or, with ``channel``, rename it."""
        body, user_id = json_body(req), self.me(req)
        name = str(body.get("name") or "")
        if body.get("channel"):
            channel_id = self.ws.channel(str(body["channel"])).id
            self.local.rename_channel(channel_id, name, user_id=user_id)  # type: ignore[attr-defined]
        else:
            channel_id = self.local.create_channel(name, user_id=user_id)  # type: ignore[attr-defined]
        return HttpReply.json({"ok": True, "channel": channel_id, "name": name})

    def invite(self, req: Request) -> HttpReply:
        body = json_body(req)
        channel_id = self.ws.channel(text(body, "channel")).id
        return self._invite(req, channel_id, self._user_ref(text(body, "user")))

    def invite_command(self, req: Request, channel_id: str, rest: str) -> HttpReply:
        """``/invite @name``: as in Slack, a problem comes back as Slackbot's ephemeral note."""
        user_id = self.me(req)
        match = _MENTION.match(rest.strip())
        try:
            if not match:
                raise SlackError("user_not_found")
            return self._invite(req, channel_id, self._user_ref(match[1]))
        except SlackError as e:
            note = e.extra.get("detail") or SENTENCES.get(e.error) or _NO_SUCH_USER
            self.ws.add_ephemeral(channel_id, user_id, {"text": note, "username": "Slackbot"})
            return HttpReply.json({"ok": True, "note": note})

    def _invite(self, req: Request, channel_id: str, invitee: str) -> HttpReply:
        responses = self.local.invite(channel_id, invitee, user_id=self.me(req))  # type: ignore[attr-defined]
        return HttpReply.json({"ok": True, "app": [r.status for r in responses]})

    def _user_ref(self, ref: str) -> str:
        """A user id, or the id of the user named ``ref`` (``@`` optional)."""
        ref = ref.lstrip("@")
        with self.ws.lock:
            if ref in self.ws.users:
                return ref
            for uid, user in self.ws.users.items():
                if user["name"] == ref:
                    return uid
        raise SlackError("user_not_found")


_NO_SUCH_USER = "I couldn't find that person: try /invite @segbot or /invite @name."
