"""**Re-run with k =** on the results: the run's dataset segmented again with the chosen k."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer, deps_of, place_of_action
from bot.usecases.runs import rerun as rerun_with_k


def rerun(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    run_id, _, k = action["selected_option"]["value"].partition(":")
    deps, place = deps_of(context), place_of_action(body)
    answer(respond, lambda: rerun_with_k(deps, place, run_id, k), context="Re-run")
