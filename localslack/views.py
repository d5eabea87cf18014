"""Views: the modals users have open and each user's App Home, plus the trigger ids behind them.

``ViewStore`` hangs off the ``Workspace`` (``ws.views``). Every view the app opens, pushes,
updates or publishes is kept as Slack returns it (id, hash, state, app and team ids), and the
history of what was opened and published stays readable for tests. Trigger ids are issued with
each interaction sent to the app and, as in Slack, are good once and for 3 seconds.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import SlackError

TRIGGER_TTL = 3.0  # seconds: Slack's trigger_id expires after 3 seconds
MAX_BLOCKS = 100  # per view
MAX_TITLE = 24  # title, submit and close texts
MAX_METADATA = 3000
MAX_ID = 255  # callback_id, external_id


@dataclass
class Trigger:
    user_id: str
    issued: float
    used: bool = False


@dataclass
class ViewStore:
    """Thread-safe views of one workspace: ``views`` by id, modal stacks and homes by user."""

    team_id: str
    app_id: str
    bot_id: str
    trigger_ttl: float = TRIGGER_TTL
    views: dict[str, dict] = field(default_factory=dict)
    stacks: dict[str, list[str]] = field(default_factory=dict)  # user -> open modal view ids
    homes: dict[str, str] = field(default_factory=dict)  # user -> home view id
    history: list[tuple[str, str, dict]] = field(default_factory=list)  # (how, user, view)
    errors: dict[str, dict] = field(default_factory=dict)  # view id -> last inline errors
    _triggers: dict[str, Trigger] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _counter: int = 0
    # Called after each change, outside the store's lock (the workspace wakes its page with it).
    on_change: Callable[[], None] = lambda: None

    # trigger ids ----------------------------------------------------------------------------

    def issue_trigger(self, trigger_id: str, user_id: str) -> str:
        """Remember a trigger id sent to the app for ``user_id``'s interaction."""
        with self._lock:
            self._triggers[trigger_id] = Trigger(user_id, time.monotonic())
            return trigger_id

    def exchange_trigger(self, trigger_id: str) -> str:
        """The user behind a fresh, unused trigger id; Slack's errors otherwise."""
        with self._lock:
            trigger = self._triggers.get(trigger_id)
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if trigger.used:
                raise SlackError("exchanged_trigger_id")
            if time.monotonic() - trigger.issued > self.trigger_ttl:
                raise SlackError("expired_trigger_id")
            trigger.used = True
            return trigger.user_id

    # views ------------------------------------------------------------------------------------

    def open(self, user_id: str, view: dict, *, push: bool = False) -> dict:
        """Open a modal for ``user_id`` (``push``: on top of the open one); return it."""
        with self._lock:
            stack = self.stacks.setdefault(user_id, [])
            if push and not stack:
                raise SlackError("not_found")
            if not push:
                stack.clear()
            previous = stack[-1] if stack else None
            stored = self._store(view, root=stack[0] if stack else None, previous=previous)
            stack.append(stored["id"])
            self.history.append(("push" if push else "open", user_id, copy.deepcopy(stored)))
            out = copy.deepcopy(stored)
        self.on_change()
        return out

    def publish(self, user_id: str, view: dict, hash_: str | None) -> dict:
        """Publish ``user_id``'s App Home (replacing the previous one); return it."""
        with self._lock:
            old = self.views.get(self.homes.get(user_id, ""))
            if hash_ and old is not None and old["hash"] != hash_:
                raise SlackError("hash_conflict")
            stored = self._store(view, view_id=old["id"] if old else None)
            self.homes[user_id] = stored["id"]
            self.history.append(("publish", user_id, copy.deepcopy(stored)))
            out = copy.deepcopy(stored)
        self.on_change()
        return out

    def update(self, view_id: str | None, external_id: str | None, view: dict, hash_: str | None):
        """Replace an open modal or a home by id or external_id; return the new view."""
        with self._lock:
            old = self._find(view_id, external_id)
            if hash_ and old["hash"] != hash_:
                raise SlackError("hash_conflict")
            if view["type"] != old["type"]:
                raise SlackError("invalid_arguments")
            stored = self._store(view, view_id=old["id"], root=old["root_view_id"])
            stored["previous_view_id"] = old.get("previous_view_id")
            user = self._owner(old["id"])
            self.history.append(("update", user, copy.deepcopy(stored)))
            out = copy.deepcopy(stored)
        self.on_change()
        return out

    def close(self, user_id: str, *, all_views: bool = True) -> None:
        """Close the user's top modal (or all of them)."""
        with self._lock:
            stack = self.stacks.get(user_id, [])
            if all_views:
                stack.clear()
            elif stack:
                stack.pop()
        self.on_change()

    def top(self, user_id: str) -> dict | None:
        """The modal ``user_id`` sees, if any."""
        with self._lock:
            stack = self.stacks.get(user_id) or []
            return copy.deepcopy(self.views[stack[-1]]) if stack else None

    def home(self, user_id: str) -> dict | None:
        """``user_id``'s published App Home, if any."""
        with self._lock:
            view_id = self.homes.get(user_id)
            return copy.deepcopy(self.views[view_id]) if view_id else None

    def set_errors(self, view_id: str, errors: dict) -> None:
        with self._lock:
            self.errors[view_id] = dict(errors)
        self.on_change()

    def recorded(self, how: str | None = None, user_id: str | None = None) -> list[dict]:
        """Views as opened/pushed/updated/published, oldest first, optionally filtered."""
        with self._lock:
            return [
                copy.deepcopy(v)
                for h, u, v in self.history
                if how in (None, h) and user_id in (None, u)
            ]

    def _find(self, view_id: str | None, external_id: str | None) -> dict:
        if view_id:
            found = self.views.get(view_id)
        else:
            found = next((v for v in self.views.values() if v["external_id"] == external_id), None)
        if found is None:
            raise SlackError("not_found")
        return found

    def _owner(self, view_id: str) -> str:
        for user, stack in self.stacks.items():
            if view_id in stack:
                return user
        return next((u for u, v in self.homes.items() if v == view_id), "")

    def _store(self, view: dict, *, view_id=None, root=None, previous=None) -> dict:
        self._counter += 1
        vid = view_id or f"V0L{self._counter:07X}"
        stored = {
            "id": vid,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "external_id": view.get("external_id", ""),
            "previous_view_id": previous,
            "root_view_id": root or vid,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self.views[vid] = stored
        return stored
