"""Replies about the weekly digest's schedule, and the results message's schedule button (pure)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.render.blocks import button
from segmentation.formatting import WEEKDAYS
from storage import Schedule

SCHEDULE_ACTION = "schedule_digest"
CHANGE_HINT = "Change it with `/segment schedule weekly <day> <HH:MM> [timezone]`."


def schedule_button(run_id: int | str) -> dict:
    """The **Schedule weekly digest** button for the results message of run ``run_id``."""
    return button(SCHEDULE_ACTION, "Schedule weekly digest", str(run_id))


def every(schedule: Schedule) -> str:
    """ "every Monday at 09:00 (Europe/London)"."""
    return f"every {WEEKDAYS[schedule.weekday]} at {schedule.time} ({schedule.timezone})"


def when(slot: dt.datetime, timezone: str) -> str:
    """ "Mon 31 Mar 2025, 09:00 BST": ``slot`` in the schedule's timezone."""
    local = slot.astimezone(ZoneInfo(timezone))
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or timezone)


def schedule_text(schedule: Schedule | None, next_slot: dt.datetime | None) -> str:
    """The reply to ``/segment schedule``: what is set, and when the next digest comes."""
    if schedule is None or not schedule.enabled:
        return (
            "No weekly digest is scheduled in this channel. Set one with "
            "`/segment schedule weekly mon 09:00` (your Slack timezone) or add a timezone, "
            "e.g. `/segment schedule weekly fri 16:30 America/New_York`."
        )
    mode = schedule.k_mode or "keep"
    k = {"keep": "keeping the current k", "auto": "choosing k afresh"}.get(mode, f"with k={mode}")
    nxt = f" Next: {when(next_slot, schedule.timezone)}." if next_slot else ""
    return (
        f"The digest is posted here {every(schedule)}, {k}.{nxt} "
        "Turn it off with `/segment schedule off`."
    )


def schedule_set_text(schedule: Schedule, next_slot: dt.datetime, *, from_profile: bool) -> str:
    """The reply to a schedule just saved; ``from_profile`` when the timezone is the user's."""
    tz_note = " (your Slack timezone)" if from_profile else ""
    return (
        f"Done: I'll post the segment digest here {every(schedule)}{tz_note}. "
        f"The first one: {when(next_slot, schedule.timezone)}. "
        "`/segment digest now` posts one right away; `/segment schedule off` stops it."
    )


def schedule_off_text(was_on: bool) -> str:
    """The reply to ``/segment schedule off``."""
    if was_on:
        return "The weekly digest in this channel is off. Past digests and runs are kept."
    return "There was no weekly digest scheduled in this channel."
