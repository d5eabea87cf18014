"""``/segment`` requests routed to their use case: one entry per request type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.requests import Command, Customer, Datasets, Export, History, Run, Show
from bot.slack.posting import check_member
from bot.usecases import currency, digests, exports, lookups, runs, schedules
from bot.usecases.context import Deps, Place, Reply

Handler = Callable[[Deps, Place, Any], Reply | None]

ROUTES: dict[type, Handler] = {
    Run: runs.run,
    Show: lambda deps, place, _request: lookups.show(deps, place),
    Customer: lambda deps, place, request: lookups.customer(deps, place, request.customer_id),
    History: lambda deps, place, _request: lookups.history(deps, place),
    Datasets: lambda deps, place, _request: lookups.datasets(deps, place),
    Export: lambda deps, place, request: exports.export_run(deps, place, None, request.segment),
    **currency.ROUTES,
    **schedules.ROUTES,
    **digests.ROUTES,
}


def handle(deps: Deps, place: Place, request: Command) -> Reply | None:
    """Answer a parsed ``/segment`` request (help is answered in the ack itself)."""
    check_member(deps.client, place.channel_id)
    return ROUTES[type(request)](deps, place, request)
