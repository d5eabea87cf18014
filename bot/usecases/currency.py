"""``/segment currency [CODE|auto]``: the currency a channel's amounts are in."""

from __future__ import annotations

import storage
from bot.requests import SetCurrency, ShowCurrency
from bot.usecases.context import Deps, Place, Reply

FROM_EXPORTS = (
    "I read the currency from each export: a currency column, or symbols such as £ or $ in "
    "the amounts."
)


def channel_currency(deps: Deps, place: Place) -> str | None:
    """The currency this channel set, or None (read it from each export)."""
    with storage.connect(deps.settings.db_path) as db:
        return storage.channel_currency(db, place.scope)


def show_currency(deps: Deps, place: Place, _request: ShowCurrency) -> Reply:
    code = channel_currency(deps, place)
    if code is None:
        return Reply(f"{FROM_EXPORTS} Set one with `/segment currency GBP`.")
    return Reply(
        f"Amounts in this channel are in {code}. `/segment currency auto` reads it from each "
        "export again."
    )


def set_currency(deps: Deps, place: Place, request: SetCurrency) -> Reply:
    with storage.connect(deps.settings.db_path) as db:
        storage.set_channel_currency(db, place.scope, request.code, user_id=place.user_id)
    if request.code is None:
        return Reply(f"Done: {FROM_EXPORTS} `/segment run` shows the latest results again.")
    return Reply(
        f"Done: amounts in this channel are in {request.code} from now on (amounts are never "
        "converted). `/segment run` shows the latest results with it."
    )


ROUTES = {ShowCurrency: show_currency, SetCurrency: set_currency}
