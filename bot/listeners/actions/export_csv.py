"""**Export CSV** on the results: the run's customers, sent to the user by DM."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.usecases.exports import export_run


def export_csv(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    answer_action(
        ack, body, respond, context,
        lambda deps, place: export_run(deps, place, action["value"], None),
        label="Export CSV",
    )  # fmt: skip
