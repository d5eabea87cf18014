"""Replies about the weekly digest's schedule, and the results message's schedule button (pure)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.render.blocks import button, input_block, option, static_select, view_values
from segmentation.choices import K_RANGE
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


# the scheduling modal ------------------------------------------------------------------------

SCHEDULE_MODAL = "schedule_digest_modal"  # the modal's callback_id
DAY, TIME, TIMEZONE, K = "day", "time", "timezone", "k"  # block_id = action_id of each input
COMMON_TIMEZONES = (
    "UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
    "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw",
    "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Europe/Moscow", "Africa/Lagos",
    "Africa/Cairo", "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi",
    "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore",
    "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Manila", "Asia/Seoul", "Asia/Tokyo",
    "Australia/Perth", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
    "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Lima",
    "America/Mexico_City", "America/Toronto", "America/New_York", "America/Chicago",
    "America/Denver", "America/Phoenix", "America/Vancouver", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu",
)  # fmt: skip
K_LABELS = {"keep": "Keep the current k", "auto": "Choose k afresh each week"}


def timezone_options(user_tz: str | None, current: str | None) -> list[dict]:
    """The common zones, the user's own first (marked) and the current one kept if unusual."""
    zones = [z for z in (user_tz, current) if z] + list(COMMON_TIMEZONES)
    unique = list(dict.fromkeys(zones))
    return [option(f"{z} (your timezone)" if z == user_tz else z, z) for z in unique]


def schedule_modal(
    *, metadata: str, weekday: int, time: str, timezone: str, k_mode: str, user_tz: str | None,
    channel_id: str,
) -> dict:  # fmt: skip
    """The **Schedule weekly digest** modal, preset to ``weekday``/``time``/``timezone``/``k_mode``.

    ``metadata`` (the channel and where the modal was opened) travels as ``private_metadata``.
    """
    days = [option(day, str(i)) for i, day in enumerate(WEEKDAYS)]
    ks = [option(K_LABELS[m], m) for m in ("keep", "auto")]
    ks += [option(f"k = {k} segments", str(k)) for k in K_RANGE]
    zones = timezone_options(user_tz, timezone)
    return {
        "type": "modal",
        "callback_id": SCHEDULE_MODAL,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Weekly digest"},
        "submit": {"type": "plain_text", "text": "Schedule"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"Every week I'll refresh the segments of <#{channel_id}> and post "
                    "what changed there.",
                },
            },
            input_block(DAY, "Day", static_select(DAY, days, str(weekday))),
            input_block(TIME, "Time", {"type": "timepicker", "action_id": TIME, "initial_time": time}),
            input_block(TIMEZONE, "Timezone", static_select(TIMEZONE, zones, timezone)),
            input_block(K, "Number of segments", static_select(K, ks, k_mode),
                   hint="Keep: the same k as the latest run. Auto: the best k each week."),
        ],
    }  # fmt: skip


def modal_values(view: dict) -> dict[str, str | None]:
    """What was submitted in the modal: ``{day, time, timezone, k}`` as strings (None if empty)."""
    return view_values(view, (DAY, TIME, TIMEZONE, K))
