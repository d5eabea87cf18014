"""``/segment``: ack at once (help and parse errors in the ack itself), then do the work."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from bot.errors import UserError
from bot.listeners.answer import answer, deps_of
from bot.render.blocks import error_text
from bot.render.lookups import help_text
from bot.requests import Help, parse
from bot.usecases.commands import handle
from bot.usecases.context import Place


def segment(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> None:
    try:
        request = parse(command.get("text") or "")
    except UserError as e:
        ack(text=error_text(e))  # it quotes what was typed
        return
    if isinstance(request, Help):
        ack(text=help_text(request.unknown))
        return
    ack()
    place = Place(command["team_id"], command["channel_id"], command["user_id"])
    deps = deps_of(context)
    answer(
        respond,
        lambda: handle(deps, place, request),
        context=f"/segment {command.get('text', '')}",
    )
