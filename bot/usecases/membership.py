"""Whether a user is in a channel, asked of Slack at the moment a payload acts on it."""

from __future__ import annotations

import logging
import re

from bot.usecases.context import Deps

log = logging.getLogger("segbot")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")  # what Slack's conversation ids look like


def is_member(deps: Deps, channel_id: str, user_id: str) -> bool:
    """True when ``user_id`` is in the channel (False when the bot cannot see it, or the id is
    not a channel id at all: a forged or mangled payload)."""
    if not CHANNEL_ID.match(channel_id):
        return False
    try:
        pages = deps.client.conversations_members(channel=channel_id, limit=1000)
        return any(user_id in page["members"] for page in pages)
    except Exception as e:
        log.info("members of %s unknown: %s", channel_id, e)
        return False
