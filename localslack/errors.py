"""``SlackError``, the Web API error every part of the local Slack raises.

It lives on its own so the workspace, its file records and the Web API methods can all raise
it without importing one another.
"""

from __future__ import annotations


class SlackError(Exception):
    """A Web API error code such as ``channel_not_found``; becomes ``{"ok": false, ...}``."""

    def __init__(self, error: str, **extra: object) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra
