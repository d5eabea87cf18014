"""The user opened segbot's Home tab: publish their channels (or a welcome). The Messages
tab sends the same event with ``tab: messages``; it needs nothing."""

from __future__ import annotations

from slack_bolt import BoltContext

from bot.listeners.answer import deps_of
from bot.usecases.home import publish_home


def app_home_opened(event: dict, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(deps_of(context), context.team_id, event["user"])
