"""What users do with channels: create one, rename it, invite someone (the bot included).

``ActingOnChannels`` is a base of ``ActingAsSlack`` (acting.py), which supplies ``send_event``.
Names follow Slack's rules (lowercase letters, digits, ``-`` and ``_``, letters of any script,
at most 80 characters, unique) and a bad one is refused with the error code
``conversations.create`` answers, ``SlackError.extra["detail"]`` holding the sentence Slack's
own dialog shows. Each change is posted in the channel as the system message Slack posts
(``channel_join``, ``channel_name``) and reaches the bot as the events Slack sends when the bot
is a member: the ``message`` event of that system message, and ``member_joined_channel``.
"""

from __future__ import annotations

import re

from .client import AppResponse
from .errors import SlackError
from .state import Workspace

NAME_MAX = 80
_NAME = re.compile(r"^[\w-]+$")  # letters of any script, digits, "_" and "-"; no emoji
SENTENCES = {
    "invalid_name_required": "Don't forget to name your channel.",
    "invalid_name_maxlength": "Channel names can't be longer than 80 characters.",
    "invalid_name_specials": (
        "Channel names can't contain spaces, periods or most punctuation; "
        "use lowercase letters, numbers, hyphens and underscores."
    ),
    "invalid_name_punctuation": "Channel names need at least one letter or number.",
    "name_taken": "That name is already taken by a channel, username, or user group.",
    "already_in_channel": "{name} is already in this channel.",
    "cant_invite_self": "You're already in this channel.",
}


def name_error(ws: Workspace, name: str, *, channel_id: str | None = None) -> str | None:
    """The error Slack answers for ``name`` as a new name (of ``channel_id``), or None."""
    if not name:
        return "invalid_name_required"
    if len(name) > NAME_MAX:
        return "invalid_name_maxlength"
    if name != name.lower() or not _NAME.match(name):
        return "invalid_name_specials"
    if not re.search(r"[^\W_]", name):
        return "invalid_name_punctuation"
    with ws.lock:
        taken = {c.name for c in ws.channels.values() if c.id != channel_id and not c.is_im}
        taken |= {u["name"] for u in ws.users.values()}
    return "name_taken" if name in taken else None


def refuse(error: str, **words: str) -> SlackError:
    """A ``SlackError`` carrying Slack's sentence for the page as ``detail``."""
    return SlackError(error, detail=SENTENCES[error].format(**words))


class ActingOnChannels:
    """Channel gestures; needs ``workspace`` and ``send_event`` from the host class."""

    workspace: Workspace

    def create_channel(self, name: str, *, user_id: str, is_private: bool = False) -> str:
        """``user_id`` creates ``#name`` (they are its only member); return its id."""
        ws = self.workspace
        ws.user(user_id)
        error = name_error(ws, name)
        if error:
            raise refuse(error)
        return ws.add_channel(name, is_private=is_private, members={user_id})

    def rename_channel(self, channel_id: str, name: str, *, user_id: str) -> list[AppResponse]:
        """``user_id`` renames the channel: the ``channel_name`` message and its event."""
        ws = self.workspace
        old = ws.channel(channel_id).name
        if name == old:
            return []
        error = name_error(ws, name, channel_id=channel_id)
        if error:
            raise refuse(error)
        ws.rename_channel(channel_id, name)
        text = f"<@{user_id}> renamed the channel from “{old}” to “{name}”"
        message = {"subtype": "channel_name", "user": user_id, "text": text}
        return self._system_message(channel_id, {**message, "old_name": old, "name": name})

    def invite(self, channel_id: str, invitee: str, *, user_id: str) -> list[AppResponse]:
        """``user_id`` adds ``invitee`` (a person or the bot) to the channel.

        Sends ``member_joined_channel`` and the ``channel_join`` message event to the bot when
        it is a member afterwards (inviting the bot itself included), as Slack does.
        """
        ws = self.workspace
        who = ws.user(invitee)
        ch = ws.channel(channel_id)
        if user_id not in ch.members:  # conversations.invite: only members invite
            raise SlackError("channel_not_found" if ch.is_private else "not_in_channel")
        if invitee == user_id:
            raise refuse("cant_invite_self")
        if not ws.join(ch.id, invitee):
            raise refuse("already_in_channel", name=who["name"])
        text = f"<@{invitee}> has joined the channel"
        message = {"subtype": "channel_join", "user": invitee, "text": text, "inviter": user_id}
        responses = self._system_message(ch.id, message)
        if ws.bot_user_id in ch.members:
            joined = {
                "type": "member_joined_channel",
                "user": invitee,
                "channel": ch.id,
                "channel_type": "G" if ch.is_private else "C",
                "team": ws.team_id,
                "inviter": user_id,
            }
            responses.append(self.send_event(joined))  # type: ignore[attr-defined]
        return responses

    def _system_message(self, channel_id: str, message: dict) -> list[AppResponse]:
        """Post a system message; send its ``message`` event if the bot is in the channel."""
        ws = self.workspace
        posted = ws.post(channel_id, message)
        if ws.bot_user_id not in ws.channel(channel_id).members:
            return []
        event = {**posted, "channel": channel_id, "event_ts": posted["ts"]}
        event["channel_type"] = ws.channel(channel_id).channel_type
        return [self.send_event(event)]  # type: ignore[attr-defined]
