"""Thin listeners grouped by Slack surface, one module-level function per module.

``register(app, deps)`` puts the use cases' dependencies into every request's context (as
``context["deps"]``) and registers each folder's listeners.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, BoltContext

from bot.listeners import actions, commands, events, views
from bot.usecases.context import Deps

DEPS = "deps"


def register(app: App, deps: Deps) -> None:
    def provide(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002 (Bolt's name)
        context[DEPS] = deps
        next()

    app.use(provide)
    commands.register(app)
    events.register(app)
    actions.register(app)
    views.register(app)
