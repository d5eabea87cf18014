"""The results message's **Schedule weekly digest** button: weekly on Mondays at 09:00."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.usecases.schedules import schedule_from_results


def schedule_digest(
    ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext
) -> None:
    answer_action(
        ack, body, respond, context,
        lambda deps, place: schedule_from_results(deps, place, action["value"]),
        label="Schedule weekly digest",
    )  # fmt: skip
