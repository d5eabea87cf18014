"""Posting a digest to Slack: the message, then its thread; DMs; why a post failed, in words.

Retries are not done here: the ``WebClient`` built by ``bot.app.web_client`` carries slack_sdk's
retry handlers (rate limits, server errors, connection errors), the one retry layer. What
still fails after them (removed from the channel, archived, bad token, or Slack down for
longer) is raised and explained by ``reason``.
"""

from __future__ import annotations

import logging
import urllib.error

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import is_user_error
from bot.render import digest as render
from bot.slack.files import upload_files
from workflows.digest.compare import Digest

log = logging.getLogger("segbot.digest")
REASONS = {
    "not_in_channel": "I'm no longer a member of the channel",
    "channel_not_found": "the channel no longer exists, or I can't see it",
    "is_archived": "the channel is archived",
    "invalid_auth": "my Slack token is no longer valid",
    "token_revoked": "my Slack token was revoked",
    "account_inactive": "my Slack app was deactivated",
    "missing_scope": "my Slack app is missing a permission",
}


def reason(error: BaseException) -> str:
    """Why a post failed, in words for the person who set up the schedule."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error") or f"HTTP {error.response.status_code}"
        return REASONS.get(code, f"Slack answered `{code}`")
    if is_user_error(error):
        return str(error)
    if isinstance(error, urllib.error.URLError | ConnectionError | TimeoutError):
        return f"I couldn't reach Slack ({error})"
    return f"an unexpected error ({type(error).__name__})"


def post_digest(client: WebClient, digest: Digest) -> str:
    """Post the digest message and its thread (charts; the movers' button when anyone moved);
    returns the message ts.

    Only the message decides success: once it is in the channel the digest was sent, and a
    chart or button that fails in the thread is logged, not raised.
    """
    channel = digest.channel_id
    ts = client.chat_postMessage(
        channel=channel, text=render.digest_text(digest), blocks=render.digest_blocks(digest)
    )["ts"]
    try:
        if digest.charts:
            upload_files(client, channel=channel, files=dict(digest.charts), thread_ts=ts)
        if digest.moved and digest.previous_run_id is not None:
            text, thread = render.movers_message(
                digest.previous_run_id, digest.run_id, digest.moved
            )
            client.chat_postMessage(channel=channel, thread_ts=ts, text=text, blocks=thread)
    except Exception as e:
        log.warning("digest %s posted, but its thread failed: %s", ts, reason(e))
    return ts


def send_dm(client: WebClient, user_id: str, text: str) -> bool:
    """A direct message to ``user_id``; False (logged) if even that fails."""
    try:
        dm = client.conversations_open(users=user_id)["channel"]["id"]
        client.chat_postMessage(channel=dm, text=text)
    except Exception as e:
        log.error("could not DM %s: %s", user_id, reason(e))
        return False
    return True
