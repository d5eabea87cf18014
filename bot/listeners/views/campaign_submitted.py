"""The campaign modal submitted: a name that can't be used is shown under it (nothing is
stored); otherwise the modal closes, the campaign starts as ``/segment campaign start`` starts
it, and the user is told what was drawn and what it can detect (or why it could not start)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext

from bot.errors import FormInvalid
from bot.listeners.answer import deps_of
from bot.usecases.campaign_form import read_campaign_modal, start_from_modal
from bot.usecases.context import Place


def campaign_submitted(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    try:
        key = deps_of(context).settings.metadata_key
        submitted = read_campaign_modal(view, key=key, user_id=body["user"]["id"])
    except FormInvalid as e:
        ack(response_action="errors", errors=e.errors)
        return
    ack()
    team_id = context.team_id or body["team"]["id"]
    place = Place(team_id, submitted.channel_id, body["user"]["id"])
    start_from_modal(deps_of(context), place, submitted)
