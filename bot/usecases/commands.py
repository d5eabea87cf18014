"""``/segment`` requests routed to their use case: one entry per request type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.requests import Command, Customer, Datasets, Export, History, Map, Run, Show
from bot.slack.posting import check_member
from bot.usecases import (
    campaigns,
    currency,
    digests,
    exports,
    lookups,
    mapping,
    runs,
    schedules,
    sources,
)
from bot.usecases.context import Deps, Place, Reply

Handler = Callable[[Deps, Place, Any], Reply | None]

ROUTES: dict[type, Handler] = {
    Run: runs.run,
    Show: lambda deps, place, _request: lookups.show(deps, place),
    Customer: lambda deps, place, request: lookups.customer(deps, place, request.customer_id),
    History: lambda deps, place, _request: lookups.history(deps, place),
    Datasets: lambda deps, place, _request: lookups.datasets(deps, place),
    Export: lambda deps, place, request: export(deps, place, request),
    Map: mapping.map_command,
    **currency.ROUTES,
    **schedules.ROUTES,
    **digests.ROUTES,
    **sources.ROUTES,
    **campaigns.ROUTES,
}


def export(deps: Deps, place: Place, request: Export) -> Reply:
    """``export [SEGMENT]``: segbot's CSV; ``… as meta|google|email``: a customer list."""
    if request.audience is None:
        return exports.export_run(deps, place, None, request.segment)
    return exports.export_audience(deps, place, None, request.segment, request.audience)


def handle(deps: Deps, place: Place, request: Command) -> Reply | None:
    """Answer a parsed ``/segment`` request (help is answered in the ack itself)."""
    check_member(deps.client, place.channel_id)
    return ROUTES[type(request)](deps, place, request)
