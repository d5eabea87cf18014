"""The results message's **Schedule weekly digest** button: opens the scheduling modal.

The modal's submission is handled by ``bot.listeners.views.schedule_submitted``.
"""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.usecases.schedules import open_schedule_modal


def schedule_digest(
    ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext
) -> None:
    del action  # the schedule follows the channel's latest dataset, whichever results were shown
    answer_action(
        ack, body, respond, context,
        lambda deps, place: open_schedule_modal(deps, place, body["trigger_id"], "results"),
        label="Schedule weekly digest",
    )  # fmt: skip
