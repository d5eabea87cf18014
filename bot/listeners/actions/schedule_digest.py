"""The results message's **Schedule weekly digest** button: weekly on Mondays at 09:00."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer, deps_of, place_of_action
from bot.usecases.schedules import schedule_from_results


def schedule_digest(
    ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext
) -> None:
    """Ack, schedule the channel's digest, and tell the user (only them) what was set."""
    ack()
    deps, place = deps_of(context), place_of_action(body)
    answer(
        respond,
        lambda: schedule_from_results(deps, place, action["value"]),
        context="Schedule weekly digest",
    )
