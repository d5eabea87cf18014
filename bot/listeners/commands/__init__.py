"""``/segment``: ack at once (help and parse errors in the ack itself), then do the work."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, Respond

from bot import render
from bot.commands import Help, parse
from bot.errors import UserError, describe
from bot.queries import Reply
from bot.services import Place, Services


def register(app: App, services: Services) -> None:
    @app.command("/segment")
    def segment(ack: Ack, command: dict, respond: Respond) -> None:
        try:
            request = parse(command.get("text") or "")
        except UserError as e:
            ack(text=str(e))
            return
        if isinstance(request, Help):
            ack(text=render.help_text(request.unknown))
            return
        ack()
        place = Place(command["team_id"], command["channel_id"], command["user_id"])
        answer(respond, lambda: services.command(place, request), context=command.get("text", ""))


def answer(respond: Respond, work: Callable[[], Reply | None], *, context: str) -> None:
    """Run ``work`` and send its reply (ephemeral unless it says otherwise); the one error path."""
    try:
        reply = work()
    except Exception as e:
        respond(text=describe(e, context=f"/segment {context}"), response_type="ephemeral")
        return
    if reply is not None:
        respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral")
