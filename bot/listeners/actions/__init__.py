"""Buttons on the results message: **Export CSV** and **Re-run with k =**."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot import render
from bot.listeners.actions import digest
from bot.listeners.commands import answer
from bot.services import Place, Services


def register(app: App, services: Services) -> None:
    def place_of(body: dict) -> Place:
        return Place(body["team"]["id"], body["channel"]["id"], body["user"]["id"])

    @app.action(render.EXPORT_ACTION)
    def export_csv(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        place = place_of(body)
        answer(
            respond, lambda: services.export_run(place, action["value"], None), context="Export CSV"
        )

    @app.action(render.RERUN_ACTION)
    def rerun(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        run_id, _, k = action["selected_option"]["value"].partition(":")
        answer(respond, lambda: services.rerun(place_of(body), run_id, k), context="Re-run")

    digest.register(app, services)
