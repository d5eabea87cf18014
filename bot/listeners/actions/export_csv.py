"""**Export CSV** on the results: the run's customers, sent to the user by DM."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer, deps_of, place_of_action
from bot.usecases.exports import export_run


def export_csv(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    deps, place = deps_of(context), place_of_action(body)
    answer(respond, lambda: export_run(deps, place, action["value"], None), context="Export CSV")
