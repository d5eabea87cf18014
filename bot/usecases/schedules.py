"""``/segment schedule …`` and the results message's **Schedule weekly digest** button.

Schedules are saved in SQLite first, then handed to the scheduler. Each function takes the
``Deps``, the asking ``Place`` and the parsed request, and returns a ``Reply``; ``ROUTES``
maps each ``/segment schedule …`` request type to its function.
"""

from __future__ import annotations

import logging
import zoneinfo

import storage
from bot.digest.schedule_parse import ScheduleOff, SetSchedule, ShowSchedule
from bot.errors import NO_DATASET, UserError
from bot.render import schedule as render
from bot.scheduling.posting import reason
from bot.usecases.context import Deps, Place, Reply

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


def _user_timezone(deps: Deps, user_id: str) -> str | None:
    """The user's Slack timezone when Slack tells it and it is a known IANA name."""
    try:
        tz = deps.client.users_info(user=user_id)["user"].get("tz")
    except Exception as e:
        log.info("no timezone for %s (%s); using UTC", user_id, reason(e))
        return None
    return tz if tz in zoneinfo.available_timezones() else None


ROUTES = {SetSchedule: set_schedule, ShowSchedule: show_schedule, ScheduleOff: schedule_off}
