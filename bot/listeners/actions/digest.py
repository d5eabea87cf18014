"""Digest buttons: **Schedule weekly digest** on the results, **Export CSV** of the movers."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.digest.blocks import MOVERS_ACTION, SCHEDULE_ACTION
from bot.listeners.commands import answer
from bot.services import Place, Services


def register(app: App, services: Services) -> None:
    def place_of(body: dict) -> Place:
        return Place(body["team"]["id"], body["channel"]["id"], body["user"]["id"])

    @app.action(SCHEDULE_ACTION)
    def schedule_digest(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        place = place_of(body)
        answer(
            respond,
            lambda: services.digests.schedule_from_results(place, action["value"]),
            context="Schedule weekly digest",
        )

    @app.action(MOVERS_ACTION)
    def export_movers(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        place = place_of(body)
        answer(
            respond,
            lambda: services.digests.export_movers(place, action["value"]),
            context="Export movers CSV",
        )
