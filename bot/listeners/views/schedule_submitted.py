"""The scheduling modal submitted: wrong inputs are shown under them (nothing is saved);
otherwise the modal closes, the schedule is saved as ``/segment schedule weekly …`` saves it and
the user is told what was set and when the first digest comes."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext

from bot.errors import FormInvalid
from bot.listeners.answer import deps_of
from bot.usecases.context import Place
from bot.usecases.home import publish_home
from bot.usecases.schedules import read_schedule_modal, save_from_modal


def schedule_submitted(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    try:
        key = deps_of(context).settings.metadata_key
        submitted = read_schedule_modal(view, key=key, user_id=body["user"]["id"])
    except FormInvalid as e:
        ack(response_action="errors", errors=e.errors)
        return
    ack()
    deps = deps_of(context)
    team_id = context.team_id or body["team"]["id"]
    place = Place(team_id, submitted.channel_id, body["user"]["id"])
    text = save_from_modal(deps, place, submitted.request)
    if submitted.origin == "home":
        publish_home(deps, team_id, place.user_id, notice=text)
