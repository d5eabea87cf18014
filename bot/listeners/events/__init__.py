"""Event listeners: files shared with the bot. Mentions are acknowledged and ignored."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.events.file_shared import file_shared
from bot.listeners.events.message import message


def register(app: App) -> None:
    app.event("message")(message)
    app.event("file_shared")(file_shared)
    app.event("app_mention")(lambda: None)
