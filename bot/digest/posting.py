"""Posting a digest to Slack: the message, then its thread; retries with backoff; DMs.

Transient failures (429, 5xx, network errors, Slack's internal errors) are retried after
each of ``delays`` seconds, waited with an injected ``sleep``. Anything else (removed from
the channel, channel archived, bad token) fails at once with a reason in plain words.
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable, Sequence
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digest import blocks
from bot.digest.refresh import Digest
from bot.errors import is_user_error
from bot.slack_io import upload_files

log = logging.getLogger("segbot.digest")
T = TypeVar("T")
DELAYS = (2.0, 10.0, 30.0)
TRANSIENT = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}
REASONS = {
    "not_in_channel": "I'm no longer a member of the channel",
    "channel_not_found": "the channel no longer exists, or I can't see it",
    "is_archived": "the channel is archived",
    "invalid_auth": "my Slack token is no longer valid",
    "token_revoked": "my Slack token was revoked",
    "account_inactive": "my Slack app was deactivated",
    "missing_scope": "my Slack app is missing a permission",
}


def is_transient(error: BaseException) -> bool:
    """True for errors worth retrying: rate limits, Slack's 5xx and network trouble."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        return status == 429 or status >= 500 or error.response.get("error") in TRANSIENT
    return isinstance(error, urllib.error.URLError | ConnectionError | TimeoutError)


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


def with_retries(
    call: Callable[[], T], *, sleep: Callable[[float], None], delays: Sequence[float] = DELAYS
) -> T:
    """``call()``, retried after each delay while it fails transiently; the last error is raised."""
    for delay in [*delays, None]:
        try:
            return call()
        except Exception as e:
            if delay is None or not is_transient(e):
                raise
            log.warning("digest post failed (%s); retrying in %ss", reason(e), delay)
            sleep(delay)
    raise AssertionError("unreachable")


def post_digest(
    client: WebClient,
    digest: Digest,
    *,
    sleep: Callable[[float], None],
    delays: Sequence[float] = DELAYS,
) -> str:
    """Post the digest message and its thread; returns the message ts.

    Only the message decides success: once it is in the channel the digest was sent,
    and a chart or button that fails in the thread is logged, not retried forever.
    """
    channel = digest.channel_id
    ts = with_retries(
        lambda: client.chat_postMessage(
            channel=channel, text=blocks.digest_text(digest), blocks=blocks.digest_blocks(digest)
        )["ts"],
        sleep=sleep,
        delays=delays,
    )
    try:
        if digest.charts:
            with_retries(
                lambda: upload_files(client, channel=channel, files=digest.charts, thread_ts=ts),
                sleep=sleep,
                delays=delays,
            )
        moved = (digest.movement or {}).get("moved", 0)
        text, thread = blocks.movers_blocks(digest.previous_run_id, digest.run_id, moved)
        with_retries(
            lambda: client.chat_postMessage(
                channel=channel, thread_ts=ts, text=text, blocks=thread
            ),
            sleep=sleep,
            delays=delays,
        )
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
