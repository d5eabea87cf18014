"""Thin listeners grouped by Slack surface; each folder exposes ``register(app, services)``."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, events
from bot.services import Services


def register(app: App, services: Services) -> None:
    commands.register(app, services)
    events.register(app, services)
    actions.register(app, services)
