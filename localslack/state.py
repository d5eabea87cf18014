"""The in-memory workspace behind the local Slack: channels, users, messages, files, hooks.

Everything is guarded by one lock because the HTTP server answers on many threads while the
tests or the web page read the same state. Readers get deep copies, so nothing they
do can change the workspace behind the lock's back. ``revision`` grows on every change and
``wait_for_change`` lets a page long-poll instead of spinning.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable

from .errors import SlackError
from .files_and_hooks import FilesAndHooks, Hook
from .objects import (
    Channel,
    StoredFile,
    channel_from_json,
    channel_to_json,
    file_from_json,
    file_to_json,
    user_object,
)
from .payloads import APP_ID
from .views import ViewStore

# Re-exported: callers that hold a Workspace import its error and hook types from here too.
__all__ = ["Hook", "SlackError", "Workspace"]


class Workspace(FilesAndHooks):
    """One Slack team. All public methods are thread-safe and return copies.

    Files and response_url hooks come from ``FilesAndHooks`` (files_and_hooks.py).
    """

    def __init__(self, *, team_id: str, bot_user_id: str, bot_id: str) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.base_url = "http://127.0.0.1"  # replaced by the server once its port is known
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.revision = 0
        self._counter = 0
        self._last_micros = 0
        self.users: dict[str, dict] = {}
        self.channels: dict[str, Channel] = {}
        self._messages: dict[str, list[dict]] = {}  # channel id -> messages, oldest first
        self._ephemeral: list[dict] = []
        self.files: dict[str, StoredFile] = {}
        self.hooks: dict[str, Hook] = {}
        self.views = ViewStore(team_id=team_id, app_id=APP_ID, bot_id=bot_id)  # views.py
        self.views.on_change = self.touch
        self.add_user("segbot", user_id=bot_user_id, is_bot=True)

    # ids, timestamps, change notification -------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """Return a fresh Slack-looking id such as ``C0L0000003`` (unique per workspace)."""
        with self.lock:
            self._counter += 1
            return f"{prefix}0L{self._counter:07X}"

    def next_ts(self) -> str:
        """Return a ts from the wall clock, strictly increasing even within one microsecond."""
        with self.lock:
            self._last_micros = max(int(time.time() * 1_000_000), self._last_micros + 1)
            return f"{self._last_micros // 1_000_000}.{self._last_micros % 1_000_000:06d}"

    def _touch(self) -> None:
        """Record a change (lock held) and wake ``wait_for_change`` callers."""
        self.revision += 1
        self._changed.notify_all()

    def touch(self) -> None:
        """Record a change made outside the workspace's own state (a view opened or closed)."""
        with self.lock:
            self._touch()

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until ``revision > since`` or ``timeout`` passes; return the current revision."""
        with self._changed:
            self._changed.wait_for(lambda: self.revision > since, timeout=timeout)
            return self.revision

    def snapshot(self) -> dict:
        """Users, channels, messages and file records as JSON-ready data, with ``revision``.

        Ephemeral messages and response_urls are left out: Slack forgets them too.
        """
        with self.lock:
            return copy.deepcopy(
                {
                    "revision": self.revision,
                    "counter": self._counter,
                    "users": self.users,
                    "channels": [channel_to_json(c) for c in self.channels.values()],
                    "messages": self._messages,
                    "files": [file_to_json(f) for f in self.files.values()],
                }
            )

    def restore(self, data: dict, content: Callable[[str], bytes | None]) -> None:
        """Load a ``snapshot``; ``content(file_id)`` returns a file's bytes (None if missing)."""
        with self.lock:
            self._counter = max(self._counter, data["counter"])
            self.users.update(data["users"])
            self.channels = {c["id"]: channel_from_json(c) for c in data["channels"]}
            self._messages = {cid: data["messages"].get(cid, []) for cid in self.channels}
            self.files = {
                f["id"]: file_from_json(f, content(f["id"]) if f["has_content"] else None)
                for f in data["files"]
            }
            self._touch()

    # users and channels ---------------------------------------------------------------------

    def add_user(
        self, name: str, *, user_id: str | None = None, tz: str = "Europe/London", is_bot=False
    ) -> str:
        """Create a user; return its id."""
        with self.lock:
            uid = user_id or self.new_id("U")
            self.users[uid] = user_object(
                user_id=uid, team_id=self.team_id, name=name, tz=tz, is_bot=is_bot
            )
            self._touch()
            return uid

    def user(self, user_id: str) -> dict:
        """Return a copy of a user or raise ``user_not_found``."""
        with self.lock:
            if user_id not in self.users:
                raise SlackError("user_not_found")
            return copy.deepcopy(self.users[user_id])

    def add_channel(self, name: str, *, channel_id: str | None = None, **fields: object) -> str:
        """Create a conversation; ``fields`` are ``Channel`` fields (is_private, members, ...)."""
        with self.lock:
            cid = channel_id or self.new_id("D" if fields.get("is_im") else "C")
            fields["members"] = set(fields.get("members", ()))  # type: ignore[call-overload]
            self.channels[cid] = Channel(id=cid, name=name, created=int(time.time()), **fields)
            self._messages[cid] = []
            self._touch()
            return cid

    def channel(self, ref: str) -> Channel:
        """Find a conversation by id or ``#name`` (as chat.postMessage allows)."""
        with self.lock:
            if ref in self.channels:
                return self.channels[ref]
            for ch in self.channels.values():
                if ch.name == ref.lstrip("#") and not ch.is_im:
                    return ch
            raise SlackError("channel_not_found")

    def rename_channel(self, channel_id: str, name: str) -> None:
        """Give a channel a new name (checked by the caller: see acting_channels.py)."""
        with self.lock:
            self.channel(channel_id).name = name
            self._touch()

    def join(self, channel_id: str, user_id: str) -> bool:
        """Make ``user_id`` a member; return False if it already was."""
        with self.lock:
            ch = self.channel(channel_id)
            if user_id in ch.members:
                return False
            ch.members.add(user_id)
            self._touch()
            return True

    def open_dm(self, user_id: str) -> Channel:
        """Return the bot's DM with ``user_id``, creating it on first use."""
        with self.lock:
            self.user(user_id)
            for ch in self.channels.values():
                if ch.is_im and ch.user == user_id:
                    return ch
            members = {user_id, self.bot_user_id}
            cid = self.add_channel(
                user_id, is_im=True, is_private=True, user=user_id, members=members
            )
            return self.channels[cid]

    # messages ---------------------------------------------------------------------------------

    def post(self, channel_id: str, message: dict, *, thread_ts: str | None = None) -> dict:
        """Store ``message`` (type/ts/channel added) in a channel or thread; return a copy."""
        with self.lock:
            ch = self.channel(channel_id)
            msg = {"type": "message", **message, "ts": self.next_ts(), "team": self.team_id}
            if thread_ts:
                parent = self._find(ch.id, thread_ts)
                if parent is None:
                    raise SlackError("thread_not_found")
                if parent.get("thread_ts", thread_ts) != thread_ts:  # a reply: use its thread
                    thread_ts = parent["thread_ts"]
                    parent = self._find(ch.id, thread_ts) or parent
                msg["thread_ts"] = thread_ts
                msg["parent_user_id"] = parent.get("user")
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["reply_users"] = sorted({*parent.get("reply_users", []), msg["user"]})
                parent["latest_reply"] = msg["ts"]
            for f in msg.get("files", []):
                self.files[f["id"]].shares.setdefault(ch.id, []).append((msg["ts"], thread_ts))
            self._messages[ch.id].append(msg)
            self._touch()
            return self._with_files(msg)

    def _find(self, channel_id: str, ts: str) -> dict | None:
        return next((m for m in self._messages.get(channel_id, []) if m["ts"] == ts), None)

    def _with_files(self, msg: dict) -> dict:
        """A copy of a stored message whose ``files`` are full, current file objects."""
        out = copy.deepcopy(msg)
        if "files" in out:
            out["files"] = [self.file_object(f["id"]) for f in out["files"]]
        return out

    def message(self, channel_id: str, ts: str) -> dict:
        """Return one message (top-level or reply) or raise ``message_not_found``."""
        with self.lock:
            msg = self._find(self.channel(channel_id).id, ts)
            if msg is None:
                raise SlackError("message_not_found")
            return self._with_files(msg)

    def update(self, channel_id: str, ts: str, changes: dict) -> dict:
        """Apply ``changes`` to a stored message and mark it edited; return the new message."""
        with self.lock:
            msg = self._find(self.channel(channel_id).id, ts)
            if msg is None:
                raise SlackError("message_not_found")
            msg.update(changes)
            msg["edited"] = {"user": msg.get("user"), "ts": self.next_ts()}
            self._touch()
            return self._with_files(msg)

    def delete(self, channel_id: str, ts: str) -> None:
        """Remove a message (its replies stay, as they do in Slack)."""
        with self.lock:
            cid = self.channel(channel_id).id
            msg = self._find(cid, ts)
            if msg is None:
                raise SlackError("message_not_found")
            self._messages[cid].remove(msg)
            self._touch()

    def messages(self, channel_id: str, *, thread_ts: str | None = None) -> list[dict]:
        """Top-level messages of a channel, or the replies (parent excluded) of one thread."""
        with self.lock:
            msgs = self._messages[self.channel(channel_id).id]
            if thread_ts is None:
                picked = [m for m in msgs if m.get("thread_ts", m["ts"]) == m["ts"]]
            else:
                picked = [
                    m for m in msgs if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts
                ]
            return [self._with_files(m) for m in picked]

    def add_ephemeral(self, channel_id: str, user_id: str, message: dict) -> dict:
        """Store a message only ``user_id`` sees; return it with its ts."""
        with self.lock:
            msg = {"type": "message", **message, "channel": channel_id, "user": user_id}
            msg["ts"] = self.next_ts()
            self._ephemeral.append(msg)
            self._touch()
            return copy.deepcopy(msg)

    def replace_ephemeral(self, ts: str, changes: dict | None) -> None:
        """Replace (``changes``) or delete (``None``) an ephemeral message, as response_url can."""
        with self.lock:
            for i, msg in enumerate(self._ephemeral):
                if msg["ts"] == ts:
                    if changes is None:
                        del self._ephemeral[i]
                    else:
                        msg.update(changes)
                    self._touch()
                    return
            raise SlackError("message_not_found")

    def ephemeral(self, channel_id: str | None = None, user_id: str | None = None) -> list[dict]:
        """Ephemeral messages, optionally only one channel's and/or one user's."""
        with self.lock:
            return [
                copy.deepcopy(m)
                for m in self._ephemeral
                if channel_id in (None, m["channel"]) and user_id in (None, m["user"])
            ]
