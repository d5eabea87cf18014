"""Event listeners: files shared with the bot. Everything else is acknowledged and ignored."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.services import Place, Services


def register(app: App, services: Services) -> None:
    @app.event("message")
    def on_message(event: dict, body: dict, context: BoltContext) -> None:
        # Slack sends message/file_share AND file_shared for one upload: both lead here or
        # below, and handle_upload runs once per file id.
        if event.get("subtype") != "file_share" or event.get("user") == context.bot_user_id:
            return
        place = Place(body["team_id"], event["channel"], event.get("user", ""))
        for file in event.get("files") or []:
            services.handle_upload(place, file, event.get("thread_ts") or event["ts"])

    @app.event("file_shared")
    def on_file_shared(event: dict, body: dict, client: WebClient, context: BoltContext) -> None:
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
            services.handle_upload(place, file, share.get("thread_ts") or share["ts"])

    @app.event("app_mention")
    def on_mention() -> None:
        pass
