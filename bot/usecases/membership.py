"""Whether a user is in a channel, asked of Slack at the moment a payload acts on it (and
whether Slack could say: a channel deleted since, or a rate limit, is not a "no")."""

from __future__ import annotations

import logging
import re

from slack_sdk.errors import SlackApiError

from bot.usecases.context import Deps

log = logging.getLogger("segbot")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")  # what Slack's conversation ids look like


MEMBER, OUTSIDE, GONE, UNKNOWN = "member", "outside", "gone", "unknown"
GONE_ERRORS = ("channel_not_found", "not_in_channel", "is_archived")


def is_member(deps: Deps, channel_id: str, user_id: str) -> bool:
    """True when ``user_id`` is in the channel (False when the bot cannot see it, Slack cannot
    say now, or the id is not a channel id at all: a forged or mangled payload)."""
    return membership(deps, channel_id, user_id) == MEMBER


def membership(deps: Deps, channel_id: str, user_id: str) -> str:
    """MEMBER or OUTSIDE; GONE when the channel no longer exists for the bot (deleted,
    archived, or the bot removed); UNKNOWN when Slack could not say now (rate-limited, down)."""
    if not CHANNEL_ID.match(channel_id):
        return OUTSIDE
    try:
        pages = deps.client.conversations_members(channel=channel_id, limit=1000)
        return MEMBER if any(user_id in page["members"] for page in pages) else OUTSIDE
    except SlackApiError as e:
        error = e.response.get("error") if e.response is not None else None
        log.info("members of %s unknown: %s", channel_id, error)
        return GONE if error in GONE_ERRORS else UNKNOWN
    except Exception as e:
        log.info("members of %s unknown: %s", channel_id, type(e).__name__)
        return UNKNOWN
