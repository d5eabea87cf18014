"""When a weekly digest is due (pure): slots as UTC instants, correct across DST changes.

A schedule says "Monday 09:00 Europe/London"; its slots are the instants when London
clocks show Monday 09:00 — 09:00 UTC in winter, 08:00 UTC in summer. Computing from the
local calendar date (never by adding 7 × 24 hours to an instant) keeps that true.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC


def _local(weekday: int, time: str, zone: ZoneInfo, day: dt.date) -> dt.datetime:
    """``time`` on the ``weekday`` on or before ``day``, in ``zone``."""
    hour, minute = (int(p) for p in time.split(":"))
    date = day - dt.timedelta(days=(day.weekday() - weekday) % 7)
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=zone)


def _utc(local: dt.datetime) -> dt.datetime:
    # A wall time that does not exist (inside a spring-forward gap) maps to the instant
    # just after the gap, which is what the clocks show when the gap ends.
    return local.astimezone(UTC)


def last_slot(weekday: int, time: str, timezone: str, now: dt.datetime) -> dt.datetime:
    """The latest slot at or before ``now`` (UTC)."""
    zone = ZoneInfo(timezone)
    local = _local(weekday, time, zone, now.astimezone(zone).date())
    if _utc(local) > now:
        local = _local(weekday, time, zone, local.date() - dt.timedelta(days=7))
    return _utc(local)


def next_slot(weekday: int, time: str, timezone: str, now: dt.datetime) -> dt.datetime:
    """The first slot strictly after ``now`` (UTC)."""
    zone = ZoneInfo(timezone)
    local = _local(weekday, time, zone, now.astimezone(zone).date() + dt.timedelta(days=7))
    previous = _local(weekday, time, zone, local.date() - dt.timedelta(days=7))
    return _utc(previous) if _utc(previous) > now else _utc(local)


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


def describe(weekday: int, time: str, timezone: str) -> str:
    """ "every Monday at 09:00 (Europe/London)"."""
    day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[weekday]
    return f"every {day} at {time} ({timezone})"


def when(slot: dt.datetime, timezone: str) -> str:
    """ "Mon 31 Mar 2025, 09:00 BST" in the schedule's timezone."""
    local = slot.astimezone(ZoneInfo(timezone))
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or timezone)
