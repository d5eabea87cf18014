"""**Start a campaign** on the results: a segment chosen opens the campaign modal for it.

The modal's submission is handled by ``bot.listeners.views.campaign_submitted``.
"""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.answer import answer_action
from bot.usecases.campaign_form import open_campaign_modal


def start_campaign(
    ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext
) -> None:
    value = (action.get("selected_option") or {}).get("value") or ""
    run_id, _, segment = value.partition(":")  # "run:segment"
    answer_action(
        ack, body, respond, context,
        lambda deps, place: open_campaign_modal(deps, place, body["trigger_id"], run_id, segment),
        label="Start a campaign",
    )  # fmt: skip
