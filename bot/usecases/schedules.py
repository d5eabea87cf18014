"""``/segment schedule …`` and the results message's **Schedule weekly digest** button.

Schedules are saved in SQLite first, then handed to the scheduler. Each function takes the
``Deps``, the asking ``Place`` and the parsed request, and returns a ``Reply``; ``ROUTES``
maps each ``/segment schedule …`` request type to its function.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass

import storage
from bot.errors import NO_DATASET, FormInvalid, UserError
from bot.render import schedule as render
from bot.render.blocks import error_text
from bot.schedule_requests import (
    ScheduleOff,
    SetSchedule,
    ShowSchedule,
    parse_time,
    parse_timezone,
)
from bot.scheduling.posting import reason
from bot.sealing import Unsealed, seal, unseal
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.membership import is_member

log = logging.getLogger("segbot.digest")
DEFAULT_SLOT = SetSchedule(weekday=0, time="09:00")  # what the results button sets up


def set_schedule(deps: Deps, place: Place, request: SetSchedule) -> Reply:
    """Save (or replace) the channel's weekly digest and tell when the first one comes.

    Without a timezone in the request, the user's Slack timezone is used (UTC if unknown).
    """
    with storage.connect(deps.settings.db_path) as db:
        if storage.latest_dataset(db, place.scope) is None:
            raise UserError(NO_DATASET)
    timezone = request.timezone or _user_timezone(deps, place.user_id) or "UTC"
    with storage.connect(deps.settings.db_path) as db:
        schedule = storage.save_schedule(
            db, place.scope, created_by=place.user_id, weekday=request.weekday,
            time=request.time, timezone=timezone, k_mode=request.k_mode,
        )  # fmt: skip
    deps.scheduler.sync(schedule)
    text = render.schedule_set_text(
        schedule, deps.scheduler.next_slot(schedule), from_profile=request.timezone is None
    )
    return Reply(text)


def show_schedule(deps: Deps, place: Place, request: ShowSchedule) -> Reply:
    """What is scheduled in the channel, and when the next digest comes."""
    del request  # ``/segment schedule`` has no options
    with storage.connect(deps.settings.db_path) as db:
        schedule = storage.schedule_for(db, place.scope)
    on = schedule is not None and schedule.enabled
    return Reply(render.schedule_text(schedule, deps.scheduler.next_slot(schedule) if on else None))


def schedule_off(deps: Deps, place: Place, request: ScheduleOff) -> Reply:
    """Turn the channel's weekly digest off (past digests and runs are kept)."""
    del request  # ``/segment schedule off`` has no options
    with storage.connect(deps.settings.db_path) as db:
        was_on = storage.disable_schedule(db, place.scope)
        schedule = storage.schedule_for(db, place.scope)
    if schedule is not None:
        deps.scheduler.sync(schedule)
    return Reply(render.schedule_off_text(was_on))


def schedule_from_results(deps: Deps, place: Place, run_id: str) -> Reply:
    """The **Schedule weekly digest** button: Mondays 09:00 in the user's timezone.

    The schedule follows the channel's latest dataset, whichever run's results were shown.
    """
    del run_id
    reply = set_schedule(deps, place, DEFAULT_SLOT)
    return Reply(f"{reply.text} {render.CHANGE_HINT}")


# the scheduling modal (the results' and the App Home's **Schedule weekly digest**) ---------------


@dataclass(frozen=True)
class Submitted:
    """A valid modal submission: the channel it is for, where it was opened, the schedule."""

    channel_id: str
    origin: str
    request: SetSchedule


EXPIRED = "This form is out of date: open it again from the results or the App Home."
NOT_OURS = (
    "I didn't open this form for you, or it was changed on the way: open it again from the "
    "results or the App Home. Nothing was saved."
)
NOT_MEMBER_NOW = (
    "You're not a member of that channel any more, so I can't set its digest: nothing was saved."
)


def open_schedule_modal(deps: Deps, place: Place, trigger_id: str, origin: str) -> None:
    """Open the modal, preset to the channel's schedule (else Monday 09:00, the user's timezone).

    ``origin`` ("results" or "home") travels with the channel in ``private_metadata``.
    """
    with storage.connect(deps.settings.db_path) as db:
        if storage.latest_dataset(db, place.scope) is None:
            raise UserError(NO_DATASET)
        current = storage.schedule_for(db, place.scope)
    user_tz = _user_timezone(deps, place.user_id)
    preset = current if current is not None and current.enabled else None
    view = render.schedule_modal(
        metadata=seal(
            deps.settings.metadata_key,
            {"channel": place.channel_id, "origin": origin},
            user_id=place.user_id,
        ),
        weekday=preset.weekday if preset else DEFAULT_SLOT.weekday,
        time=preset.time if preset else DEFAULT_SLOT.time,
        timezone=preset.timezone if preset else user_tz or "UTC",
        k_mode=preset.k_mode if preset else DEFAULT_SLOT.k_mode,
        user_tz=user_tz,
        channel_id=place.channel_id,
    )
    deps.client.views_open(trigger_id=trigger_id, view=view)


def read_schedule_modal(view: dict, *, key: bytes, user_id: str) -> Submitted:
    """The submission as a ``SetSchedule``; ``FormInvalid`` naming each wrong input, or saying
    the form is not one the bot opened for ``user_id`` (its metadata unsigned or changed)."""
    values, errors = render.modal_values(view), {}
    try:
        meta = unseal(key, view.get("private_metadata"), user_id=user_id)
        channel_id, origin = str(meta["channel"]), str(meta.get("origin", "results"))
    except Unsealed:
        raise FormInvalid({render.DAY: NOT_OURS}) from None
    except (KeyError, TypeError):
        raise FormInvalid({render.DAY: EXPIRED}) from None
    day = values[render.DAY]
    if day not in {str(i) for i in range(7)}:
        errors[render.DAY] = "Pick a day of the week."
    k_mode = values[render.K]
    if k_mode not in {"keep", "auto", *(str(k) for k in render.K_RANGE)}:
        errors[render.K] = "Pick keep, auto or a number of segments from 2 to 10."
    checked = {}
    for name, parse in ((render.TIME, parse_time), (render.TIMEZONE, parse_timezone)):
        try:
            checked[name] = parse(values[name] or "")
        except UserError as e:
            errors[name] = str(e) if values[name] else f"Pick a {name}."
    if errors:
        raise FormInvalid(errors)
    request = SetSchedule(
        weekday=int(day),
        time=checked[render.TIME],
        timezone=checked[render.TIMEZONE],
        k_mode=k_mode,
    )
    return Submitted(channel_id, origin, request)


def save_from_modal(deps: Deps, place: Place, request: SetSchedule) -> str:
    """Save the schedule as ``/segment schedule weekly …`` does; tell the user, only them.

    Returns the text sent (a plain sentence when the schedule could not be saved). The form
    names its channel: the submitter must be in it now, not only when the form opened.
    """
    try:
        if not is_member(deps, place.channel_id, place.user_id):
            raise UserError(NOT_MEMBER_NOW)
        text = set_schedule(deps, place, request).text
    except Exception as e:
        text = error_text(e, context="saving a schedule from the modal")
    try:
        deps.client.chat_postEphemeral(channel=place.channel_id, user=place.user_id, text=text)
    except Exception as e:  # not in the channel any more: a DM instead
        log.info("schedule reply by DM to %s (%s)", place.user_id, reason(e))
        deps.client.chat_postMessage(channel=place.user_id, text=text)
    return text


def _user_timezone(deps: Deps, user_id: str) -> str | None:
    """The user's Slack timezone when Slack tells it and it is a known IANA name."""
    try:
        tz = deps.client.users_info(user=user_id)["user"].get("tz")
    except Exception as e:
        log.info("no timezone for %s (%s); using UTC", user_id, reason(e))
        return None
    return tz if tz in zoneinfo.available_timezones() else None


ROUTES = {SetSchedule: set_schedule, ShowSchedule: show_schedule, ScheduleOff: schedule_off}
