"""The digest thread's **Export CSV**: the customers who changed segment, sent by DM."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer, deps_of, place_of_action
from bot.usecases.digests import export_movers


def export_movers_csv(
    ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext
) -> None:
    """Ack, send the movers' CSV to the user who clicked, and tell them (only them) it is sent."""
    ack()
    deps, place = deps_of(context), place_of_action(body)
    answer(
        respond, lambda: export_movers(deps, place, action["value"]), context="Export movers CSV"
    )
