"""The results' **Start a campaign**: the modal for a segment, and its submission started as
``/segment campaign start`` starts a campaign (the same workflow, the channel's own scope)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import storage
from bot.errors import GONE, FormInvalid, UserError, describe
from bot.render import campaign_form as form
from bot.render.blocks import escape
from bot.render.campaigns import started_text
from bot.requests import parse_id
from bot.scheduling.posting import reason
from bot.sealing import Unsealed, seal, unseal
from bot.usecases.campaigns import send_members, today
from bot.usecases.context import Deps, Place
from bot.usecases.membership import is_member
from bot.usecases.uploads import where
from workflows.campaign_words import name_problem
from workflows.campaigns import StartRequest, start_campaign

log = logging.getLogger("segbot")
EXPIRED = "This form is out of date: choose the segment again on the results."
NOT_OURS = (
    "I didn't open this form for you, or it was changed on the way: choose the segment again "
    "on the results. Nothing was started."
)
NOT_MEMBER_NOW = (
    "You're not a member of that channel any more, so I can't start a campaign there: "
    "nothing was stored."
)


@dataclass(frozen=True)
class Submitted:
    """A submission that can be tried: the channel, and the campaign asked for."""

    channel_id: str
    request: StartRequest


def open_campaign_modal(
    deps: Deps, place: Place, trigger_id: str, run_id: str, segment: str
) -> None:
    """Open the modal for ``segment`` of ``run_id`` — this channel's run, or a plain answer
    (a forged or outdated value opens nothing)."""
    run = int(run_id) if run_id.isascii() and run_id.isdigit() and len(run_id) < 12 else None
    with storage.connect(deps.settings.db_path) as db:
        record = None if run is None else storage.run_for(db, run, place.scope)
        segments = () if record is None else storage.segments_for(db, record.id, place.scope)
    chosen = next((s for s in segments if str(s.id) == segment), None)
    if record is None or chosen is None:
        raise UserError(GONE)
    metadata = seal(
        deps.settings.metadata_key,
        {"channel": place.channel_id, "run": record.id, "segment": chosen.id},
        user_id=place.user_id,
    )
    view = form.campaign_modal(metadata=metadata, segment=chosen, customers=chosen.customers)
    deps.client.views_open(trigger_id=trigger_id, view=view)


def read_campaign_modal(view: dict, *, key: bytes, user_id: str) -> Submitted:
    """The submission as a ``StartRequest`` starting today; ``FormInvalid`` for a name that
    can't be used, a form that is out of date or one the bot did not open for ``user_id``
    (the workflow checks the rest once more)."""
    values = form.campaign_modal_values(view)
    try:
        meta = unseal(key, view.get("private_metadata"), user_id=user_id)
    except Unsealed:
        raise FormInvalid({form.NAME: NOT_OURS}) from None
    try:
        channel_id, run_id, segment = (
            str(meta["channel"]),
            parse_id(meta["run"]),
            parse_id(meta["segment"]),
        )
        holdout, days = float(values[form.HOLDOUT] or ""), int(values[form.DAYS] or "")
    except (ValueError, KeyError, TypeError, UserError):
        raise FormInvalid({form.NAME: EXPIRED}) from None
    name = (values[form.NAME] or "").strip()
    if problem := name_problem(name):
        raise FormInvalid({form.NAME: problem})
    state = values[form.STATE]
    request = StartRequest(
        name=name, segment=str(segment), run_id=run_id, holdout=holdout, days=days,
        state=None if state in (None, form.EVERY_STATE) else state, start=today(),
    )  # fmt: skip
    return Submitted(channel_id, request)


def start_from_modal(deps: Deps, place: Place, submitted: Submitted) -> str:
    """Start the campaign; tell the user, only them. Returns the text sent (a plain sentence
    when it could not start). The form names its channel: the submitter must be in it now."""
    try:
        if not is_member(deps, place.channel_id, place.user_id):
            raise UserError(NOT_MEMBER_NOW)
        started = start_campaign(where(deps, place), submitted.request)
        send_members(deps, place, started)
        text = started_text(started)
    except Exception as e:
        # a sentence that may quote what was typed: escaped here, where it is shown
        text = escape(describe(e, context="starting a campaign from the modal"))
    try:
        deps.client.chat_postEphemeral(channel=place.channel_id, user=place.user_id, text=text)
    except Exception as e:  # not in the channel any more: a DM instead
        log.info("campaign reply by DM to %s (%s)", place.user_id, reason(e))
        deps.client.chat_postMessage(channel=place.user_id, text=text)
    return text
