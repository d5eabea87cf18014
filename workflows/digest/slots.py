"""When a weekly digest is due (pure): slots as UTC instants, correct across DST changes.

A schedule says "Monday 09:00 Europe/London"; its slots are the instants when London
clocks show Monday 09:00 — 09:00 UTC in winter, 08:00 UTC in summer. ``trigger`` builds the
one APScheduler ``CronTrigger`` for a schedule: the scheduler fires it, and ``next_slot`` /
``last_slot`` ask the same trigger, so the slot a tick claims is the slot that fired.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from segmentation.formatting import WEEKDAYS

UTC = dt.UTC
_TICK = dt.timedelta(microseconds=1)  # the trigger answers "at or after"; slots want "after"
_WEEK = dt.timedelta(days=7)


def trigger(weekday: int, time: str, timezone: str) -> CronTrigger:
    """The cron trigger for ``weekday`` (0 = Monday) at ``time`` ("HH:MM") in ``timezone``."""
    hour, minute = (int(p) for p in time.split(":"))
    return CronTrigger(
        day_of_week=WEEKDAYS[weekday][:3].lower(),
        hour=hour,
        minute=minute,
        timezone=ZoneInfo(timezone),
    )


def next_slot(weekday: int, time: str, timezone: str, now: dt.datetime) -> dt.datetime:
    """The first slot strictly after ``now``, in UTC."""
    return _next(trigger(weekday, time, timezone), now)


def last_slot(weekday: int, time: str, timezone: str, now: dt.datetime) -> dt.datetime:
    """The latest slot at or before ``now``, in UTC."""
    cron = trigger(weekday, time, timezone)
    # A week and a day back is before the latest slot whatever the DST offsets do.
    slot = _next(cron, now - _WEEK - dt.timedelta(days=1))
    while (following := _next(cron, slot)) <= now:
        slot = following
    return slot


def _next(cron: CronTrigger, after: dt.datetime) -> dt.datetime:
    fired = cron.get_next_fire_time(None, after + _TICK)
    if fired is None:  # a weekly cron trigger without an end date always fires again
        raise ValueError("the weekly trigger has no next fire time")
    return fired.astimezone(UTC)


def slot_key(slot: dt.datetime) -> str:
    """How a slot is stored: UTC ISO 8601 to the second (the idempotency key's time part)."""
    return slot.astimezone(UTC).isoformat(timespec="seconds")


def local_date(slot: dt.datetime, timezone: str) -> dt.date:
    """The calendar date of ``slot`` in the schedule's timezone (the digest's as-of date)."""
    return slot.astimezone(ZoneInfo(timezone)).date()


def catch_up(
    slot: dt.datetime,
    now: dt.datetime,
    *,
    grace: dt.timedelta,
    created_at: dt.datetime,
    recorded: bool,
) -> str:
    """What to do at start-up about the latest slot: "post", "skip" or "none".

    "none" when the slot is already recorded (posted, failed or skipped) or came before
    the schedule existed; "post" when it is at most ``grace`` late; "skip" otherwise.
    """
    if recorded or slot < created_at:
        return "none"
    return "post" if now - slot <= grace else "skip"
