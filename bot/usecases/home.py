"""The App Home: what the user sees when they open segbot, and its buttons.

The channels shown are those the bot is in (``users.conversations``) that have a dataset in
this workspace and whose members include the user (``conversations.members``): a user never
sees a channel they are not in. Buttons carry the channel id; membership is checked again on
every click. The outcome of a click is shown as a notice at the top of a freshly published home.
"""

from __future__ import annotations

import logging

import storage
from bot.errors import UserError
from bot.render import home as render
from bot.render.blocks import error_text
from bot.usecases.context import Deps, Place
from bot.usecases.exports import export_run
from bot.usecases.lookups import show
from bot.usecases.membership import GONE, MEMBER, UNKNOWN, membership
from bot.usecases.schedules import open_schedule_modal

log = logging.getLogger("segbot.home")
CHANNEL_TYPES = "public_channel,private_channel"
NOT_MEMBER = "You're not a member of that channel any more, so I can't show you its segments."
NOT_ANSWERED = {
    GONE: "That channel no longer exists (or I was removed from it), so there is nothing to show.",
    UNKNOWN: "Slack would not tell me who is in that channel just now: try again in a minute.",
}


def publish_home(deps: Deps, team_id: str, user_id: str, notice: str | None = None) -> dict:
    """Build and publish ``user_id``'s home; returns the view published.

    If Slack cannot list the channels, the home says so in one sentence instead of cards.
    """
    try:
        cards, unknown = channel_cards(deps, team_id, user_id)
    except Exception as e:
        cards, unknown = [], 0
        notice = error_text(e, context="listing the App Home's channels")
    if unknown:
        notice = " ".join(filter(None, (notice, render.PARTIAL)))
    view = render.home_view(cards, notice)
    deps.client.views_publish(user_id=user_id, view=view)
    return view


def channel_cards(deps: Deps, team_id: str, user_id: str) -> tuple[list[render.ChannelCard], int]:
    """One card per channel with data that the user shares with the bot, newest data first;
    and how many channels with data Slack would not list the members of now (not shown)."""
    bot_channels = [
        channel["id"]
        for page in deps.client.users_conversations(
            types=CHANNEL_TYPES, exclude_archived=True, limit=200
        )
        for channel in page["channels"]
    ]
    cards, unknown = [], 0
    with storage.connect(deps.settings.db_path) as db:
        for channel_id in bot_channels:
            scope = storage.Scope(team_id, channel_id)
            dataset = storage.latest_dataset(db, scope)
            if dataset is None:
                continue
            found = membership(deps, channel_id, user_id)
            unknown += found == UNKNOWN
            if found != MEMBER:
                continue
            schedule = storage.schedule_for(db, scope)
            on = schedule is not None and schedule.enabled
            nxt = deps.scheduler.next_slot(schedule) if on else None
            run = storage.latest_run(db, scope)
            campaigns = tuple(storage.campaigns_for(db, scope, limit=render.CAMPAIGNS_SHOWN + 1))
            cards.append(render.ChannelCard(channel_id, dataset, run, schedule, nxt, campaigns))
    return sorted(cards, key=lambda c: c.dataset.created_at, reverse=True), unknown


def home_action(deps: Deps, place: Place, action_id: str, trigger_id: str) -> str | None:
    """A button on a card: show results, schedule the digest (the modal) or export the CSV.

    Returns the notice to publish the home with (None when a modal opened instead).
    """
    try:
        found = membership(deps, place.channel_id, place.user_id)
        if found != MEMBER:
            raise UserError(NOT_ANSWERED.get(found, NOT_MEMBER))
        if action_id == render.HOME_SCHEDULE:
            open_schedule_modal(deps, place, trigger_id, "home")
            return None
        if action_id == render.HOME_EXPORT:
            return export_run(deps, place, None, None).text
        reply = show(deps, place)
        deps.client.chat_postEphemeral(
            channel=place.channel_id, user=place.user_id, text=reply.text, blocks=reply.blocks
        )
        return f"I've posted the latest results in <#{place.channel_id}>; only you can see them."
    except Exception as e:
        return error_text(e, context=f"the App Home button {action_id}")
