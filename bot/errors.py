"""The bot's one error path: user-caused problems become plain replies, the rest a short ref.

``UserError`` (and ``segmentation``'s ``ExportError``) carry a message written for the person
in Slack, in plain text: user strings in it are quoted with ``quote`` (cut, not escaped), and
``bot.render.blocks.error_text`` escapes the whole message once, where it is shown. Anything else is unexpected: ``describe`` logs its traceback under a short reference
id and returns "Something went wrong (ref 7f3a…)" for Slack.
"""

from __future__ import annotations

import logging
import secrets

from segmentation.errors import MAX_QUOTE, ExportError, quoted
from workflows.errors import GONE, NO_DATASET, UserError

__all__ = [
    "GONE",
    "INVITE",
    "FormInvalid",
    "NO_DATASET",
    "QueueFullError",
    "UserError",
    "describe",
    "is_user_error",
]

log = logging.getLogger("segbot")

INVITE = "I'm not in this channel. Invite me with `/invite @segbot` and try again."


def quote(text: object, limit: int = MAX_QUOTE) -> str:
    """A user-supplied string as a message quotes it (``segmentation.errors.quoted``: cut,
    backticks swapped). Not escaped: error messages quote with this, and are escaped whole
    where they are shown."""
    return quoted(text, limit)


class FormInvalid(Exception):
    """What is wrong with a submitted modal, per input block (Slack shows it under the input)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class QueueFullError(UserError):
    """Every worker is busy and the waiting line is full."""


def is_user_error(error: BaseException) -> bool:
    return isinstance(error, UserError | ExportError)


def describe(error: BaseException, *, context: str = "") -> str:
    """The text to show in Slack for ``error``; unexpected errors are logged with a ref id."""
    if is_user_error(error):
        return str(error)
    if isinstance(error, MemoryError):  # a worker reached its memory cap (SEGBOT_WORKER_MEMORY_MB)
        log.warning("out of memory%s", f" while {context}" if context else "")
        return (
            "That needs more memory than I may use, so I stopped. Try a smaller export "
            "(fewer months), or ask the team to raise SEGBOT_WORKER_MEMORY_MB."
        )
    ref = secrets.token_hex(4)
    log.error(
        "ref %s: unexpected error%s",
        ref,
        f" while {context}" if context else "",
        exc_info=(type(error), error, error.__traceback__),
    )
    return f"Something went wrong (ref {ref}). The team can find the details in the bot's log."
