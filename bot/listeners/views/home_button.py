"""A button on an App Home card (Show results, Schedule digest, Export CSV).

Home clicks have no channel and no response_url: the channel is the button's value, and the
outcome is shown at the top of the republished home.
"""

from __future__ import annotations

from slack_bolt import Ack, BoltContext

from bot.listeners.answer import deps_of
from bot.usecases.context import Place
from bot.usecases.home import home_action, publish_home


def home_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    ack()
    deps = deps_of(context)
    team_id = context.team_id or body["team"]["id"]
    place = Place(team_id, action["value"], body["user"]["id"])
    notice = home_action(deps, place, action["action_id"], body["trigger_id"])
    if notice is not None:
        publish_home(deps, team_id, place.user_id, notice=notice)
