"""*Add* or *Replace* on the question asked when a new export is shared in a channel that has
data: the pending upload is stored and segmented that way, once."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.render.appends import ADD_ACTION
from bot.usecases.appends import decide


def append_choice(
    ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext
) -> None:
    choice = "add" if action["action_id"] == ADD_ACTION else "replace"
    value = action.get("value") or ""
    question_ts = (body.get("message") or {}).get("ts")
    answer_action(
        ack, body, respond, context,
        lambda deps, place: decide(deps, place, value, choice, question_ts),
        label="Add or replace",
    )  # fmt: skip
