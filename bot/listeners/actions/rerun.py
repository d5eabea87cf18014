"""**Re-run with k =** on the results: the run's dataset segmented again with the chosen k."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.usecases.runs import rerun as rerun_with_k


def rerun(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    run_id, _, k = action["selected_option"]["value"].partition(":")
    answer_action(
        ack, body, respond, context,
        lambda deps, place: rerun_with_k(deps, place, run_id, k),
        label="Re-run",
    )  # fmt: skip
