"""``file_shared``: look the file up and segment it in the thread of its share in the channel."""

from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.listeners.answer import deps_of
from bot.usecases.context import Place
from bot.usecases.uploads import handle_upload


def file_shared(event: dict, body: dict, client: WebClient, context: BoltContext) -> None:
    channel = event.get("channel_id")
    if not channel or event.get("user_id") == context.bot_user_id:
        return
    file = client.files_info(file=event["file_id"])["file"]
    shares = {
        **file.get("shares", {}).get("public", {}),
        **file.get("shares", {}).get("private", {}),
    }
    share = (shares.get(channel) or [{}])[0]
    if share.get("ts"):
        place = Place(body["team_id"], channel, event.get("user_id", ""))
        handle_upload(deps_of(context), place, file, share.get("thread_ts") or share["ts"])
