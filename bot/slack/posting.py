"""Messages to Slack: post, update, and the "not in this channel" pitfall handled once.

Rate limits, 5xx and dropped connections are retried by the WebClient's own retry handlers
(configured in ``bot.app.web_client``); nothing here retries again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import INVITE, UserError

T = TypeVar("T")


def in_channel(client: WebClient, channel: str, call: Callable[[], T]) -> T:
    """``call()``; on ``not_in_channel`` join the (public) channel and retry once."""
    try:
        return call()
    except SlackApiError as e:
        if e.response.get("error") not in ("not_in_channel", "channel_not_found"):
            raise
        try:
            client.conversations_join(channel=channel)
        except SlackApiError:
            raise UserError(INVITE) from e
    return call()


def post(
    client: WebClient,
    channel: str,
    text: str,
    *,
    thread_ts: str | None = None,
    blocks: list[dict] | None = None,
) -> str:
    """Post a message (joining a public channel first if needed); its ts."""
    response = in_channel(
        client,
        channel,
        lambda: client.chat_postMessage(
            channel=channel, text=text, thread_ts=thread_ts, blocks=blocks
        ),
    )
    return response["ts"]


def update(client: WebClient, channel: str, ts: str, text: str) -> None:
    client.chat_update(channel=channel, ts=ts, text=text)


def check_member(client: WebClient, channel_id: str) -> None:
    """UserError saying how to invite the bot when it is not in ``channel_id``."""
    if channel_id.startswith("D"):
        return
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except Exception as e:
        raise UserError(INVITE) from e
    if not info.get("is_member") and not info.get("is_im"):
        raise UserError(INVITE)
