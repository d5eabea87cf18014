"""The one error path of listener replies: run the work, send its reply or a plain error."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, BoltContext, Respond

from bot.render.blocks import error_text
from bot.usecases.context import Deps, Place, Reply


def deps_of(context: BoltContext) -> Deps:
    return context["deps"]


def place_of_action(body: dict) -> Place:
    """Who clicked, where: from an interactivity payload."""
    return Place(body["team"]["id"], body["channel"]["id"], body["user"]["id"])


def answer(respond: Respond, work: Callable[[], Reply | None], *, context: str) -> None:
    """Run ``work`` and send its reply (ephemeral); an error becomes one plain sentence."""
    try:
        reply = work()
    except Exception as e:
        respond(text=error_text(e, context=context), response_type="ephemeral")
        return
    if reply is not None:
        respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral")


def answer_action(
    ack: Ack,
    body: dict,
    respond: Respond,
    context: BoltContext,
    work: Callable[[Deps, Place], Reply | None],
    *,
    label: str,
) -> None:
    """A button or select: ack, run ``work`` for whoever clicked where, answer only them."""
    ack()
    deps, place = deps_of(context), place_of_action(body)
    answer(respond, lambda: work(deps, place), context=label)
