"""Slash commands: ``/segment``."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands.segment import segment


def register(app: App) -> None:
    app.command("/segment")(segment)
