"""The digest thread's **Export CSV**: the customers who changed segment, sent by DM."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.usecases.digests import export_movers


def export_movers_csv(
    ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext
) -> None:
    answer_action(
        ack, body, respond, context,
        lambda deps, place: export_movers(deps, place, action["value"]),
        label="Export movers CSV",
    )  # fmt: skip
