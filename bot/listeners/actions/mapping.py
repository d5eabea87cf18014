"""The column-mapping message: a pick in one of its selects is kept; *Segment* runs the
upload again with the columns picked."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.render.mapping import MAP_SEGMENT_ACTION
from bot.usecases.mapping import choose, segment


def column_mapping(
    ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext
) -> None:
    if action["action_id"] == MAP_SEGMENT_ACTION:
        value, state = action.get("value") or "", body.get("state") or {}
        work = lambda deps, place: segment(deps, place, value, state)  # noqa: E731
    else:
        picked = (action.get("selected_option") or {}).get("value") or ""
        work = lambda deps, place: choose(deps, place, picked)  # noqa: E731
    answer_action(ack, body, respond, context, work, label="Column mapping")
