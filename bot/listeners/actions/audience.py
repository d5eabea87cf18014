"""**Export audience** on the results: a segment's customers as a Meta or Google customer
list (hashed contacts) or an e-mail tool's import file, sent to the user by DM."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.usecases.exports import export_audience


def audience(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    value = (action.get("selected_option") or {}).get("value") or ""
    run_id, platform, segment = (value.split(":") + ["", "", ""])[:3]  # "run:platform:segment"
    answer_action(
        ack, body, respond, context,
        lambda deps, place: export_audience(deps, place, run_id, segment or None, platform),
        label="Export audience",
    )  # fmt: skip
