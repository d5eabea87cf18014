"""Reading Web API arguments, and the checks Slack makes before a method does anything.

``args`` is the parsed request body: strings from a form body, real JSON values from a JSON
body, so every reader here accepts both (``"1"``/``True``, a JSON string or a list of blocks).
Kept apart from ``webapi.py`` so that module is only the methods, one per Slack name; these
helpers are what several methods share.
"""

from __future__ import annotations

import json

from .errors import SlackError
from .objects import Channel
from .payloads import APP_ID
from .state import Workspace


def required(args: dict, name: str) -> str:
    """A required argument as a string; ``invalid_arguments`` when it is missing or empty."""
    value = args.get(name)
    if value in (None, ""):
        raise SlackError("invalid_arguments", response_metadata={"messages": [f"missing {name}"]})
    return str(value)


def json_list(args: dict, name: str) -> list | None:
    """A list argument that form bodies carry as a JSON string."""
    value = args.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SlackError("invalid_arguments") from None
    if not isinstance(value, list):
        raise SlackError("invalid_arguments")
    return value


def checked_blocks(args: dict) -> list | None:
    """Blocks checked as far as Slack's own cheap checks go (at most 50, each typed)."""
    try:
        blocks = json_list(args, "blocks")
    except SlackError:
        raise SlackError("invalid_blocks_format") from None
    if blocks is None:
        return None
    problems = [f"block {i} has no type" for i, b in enumerate(blocks) if not _typed(b)]
    if len(blocks) > 50:
        problems.append("no more than 50 items allowed [json-pointer:/blocks]")
    if problems:
        raise SlackError(
            "invalid_blocks", errors=problems, response_metadata={"messages": problems}
        )
    return blocks


def _typed(block: object) -> bool:
    return isinstance(block, dict) and isinstance(block.get("type"), str)


def postable_channel(ws: Workspace, ref: str) -> Channel:
    """The channel the bot may post to: a user id means the bot's DM with that user."""
    if ref.startswith(("U", "W")) and ref in ws.users:
        return ws.open_dm(ref)
    ch = ws.channel(ref)
    if ws.bot_user_id not in ch.members:
        # Slack hides private conversations the bot is not in.
        raise SlackError("channel_not_found" if ch.is_private else "not_in_channel")
    if ch.is_archived:
        raise SlackError("is_archived")
    return ch


def bot_message(ws: Workspace, text: str, blocks: list | None) -> dict:
    """A message as the bot posts it (user, bot_id, app_id), ready for ``Workspace.post``."""
    msg: dict = {"user": ws.bot_user_id, "bot_id": ws.bot_id, "app_id": APP_ID, "text": text}
    if blocks is not None:
        msg["blocks"] = blocks
    return msg


def message_text(args: dict, blocks: list | None) -> str:
    """The ``text`` argument; ``no_text`` when a message would be empty, ``msg_too_long`` past 40k."""
    text = str(args.get("text") or "")
    if not text and blocks is None and not args.get("attachments"):
        raise SlackError("no_text")
    if len(text) > 40_000:
        raise SlackError("msg_too_long")
    return text


def readable_channel(ws: Workspace, ref: str) -> Channel:
    """The channel whose history the bot may read: it must be a member."""
    ch = ws.channel(ref)
    if ws.bot_user_id not in ch.members:
        raise SlackError("channel_not_found" if ch.is_private else "not_in_channel")
    return ch
