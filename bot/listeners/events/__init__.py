"""Event listeners: files shared with the bot, the App Home opened. Mentions and members
joining a channel are acknowledged and ignored."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.events.app_home_opened import app_home_opened
from bot.listeners.events.file_shared import file_shared
from bot.listeners.events.message import message


def register(app: App) -> None:
    app.event("message")(message)
    app.event("file_shared")(file_shared)
    app.event("app_mention")(lambda: None)
    app.event("member_joined_channel")(lambda: None)
    app.event("app_home_opened")(app_home_opened)
