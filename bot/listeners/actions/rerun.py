"""**Re-run with k =** on the results: the run's dataset segmented again with the chosen k,
answered in the results' thread (in the channel when picked on an ephemeral copy)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.usecases.runs import rerun as rerun_with_k


def rerun(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    run_id, _, k = action["selected_option"]["value"].partition(":")
    message = body.get("message") or {}  # absent when the results are an ephemeral copy
    thread_ts = message.get("thread_ts") or message.get("ts")
    answer_action(
        ack, body, respond, context,
        lambda deps, place: rerun_with_k(deps, place, run_id, k, thread_ts),
        label="Re-run",
    )  # fmt: skip
