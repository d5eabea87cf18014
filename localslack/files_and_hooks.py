"""The workspace's uploaded files and ``response_url`` hooks, as a mixin for ``Workspace``.

Kept out of ``state.py`` to keep that module about conversations: users, channels and
messages. The methods here use the workspace's ``lock``, ``new_id``, ``_touch``, ``channels``,
``base_url`` and ``team_id``, and the ``files`` and ``hooks`` dicts its ``__init__`` creates.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import SlackError
from .objects import Channel, StoredFile, file_object, guess_types


@dataclass
class Hook:
    """A ``response_url``: where it came from and what ``replace_original`` would replace."""

    channel_id: str
    user_id: str
    message_ts: str | None = None
    is_ephemeral: bool = False
    uses: int = 0


class FilesAndHooks:
    """Files (metadata, bytes, shares) and response_url targets of one workspace."""

    # Provided by ``Workspace``; declared so readers (and type checkers) see the contract.
    lock: threading.RLock
    team_id: str
    base_url: str
    channels: dict[str, Channel]
    files: dict[str, StoredFile]
    hooks: dict[str, Hook]
    new_id: Callable[[str], str]
    _touch: Callable[[], None]

    def new_file(self, *, name: str, user: str, title: str | None = None, **meta: object) -> str:
        """Register a file (``filetype``/``mimetype``/``content``/``declared_length`` optional)."""
        with self.lock:
            filetype, mimetype, pretty = guess_types(name)
            fid = self.new_id("F")
            self.files[fid] = StoredFile(
                id=fid,
                name=name,
                title=title or name,
                user=user,
                created=int(time.time()),
                filetype=str(meta.pop("filetype", None) or filetype),
                mimetype=str(meta.pop("mimetype", None) or mimetype),
                pretty_type=pretty,
                **meta,  # type: ignore[arg-type]
            )
            self._touch()
            return fid

    def stored_file(self, file_id: str) -> StoredFile:
        """The record behind a file id, or ``file_not_found``."""
        with self.lock:
            if file_id not in self.files:
                raise SlackError("file_not_found")
            return self.files[file_id]

    def file_object(self, file_id: str) -> dict:
        """The Slack file object (``files.info`` shape) with live ``shares``."""
        with self.lock:
            private = {c.id for c in self.channels.values() if c.is_private}
            return file_object(
                self.stored_file(file_id),
                base_url=self.base_url,
                team_id=self.team_id,
                private_channels=private,
            )

    def new_hook(self, hook: Hook) -> str:
        """Register a response_url target; return its id (the tail of the URL)."""
        with self.lock:
            hook_id = self.new_id("H")
            self.hooks[hook_id] = hook
            return hook_id
