"""``/segment schedule …`` and ``/segment digest now`` parsed into small typed requests (pure).

``parse_schedule(["weekly", "mon", "09:00", "Europe/London"])`` →
``SetSchedule(weekday=0, time="09:00", timezone="Europe/London", k_mode="keep")``.
Mistakes raise ``UserError`` saying in plain words how to write it.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache

from bot.errors import UserError, quote
from segmentation.choices import K_MAX, K_MIN, K_RANGE
from segmentation.formatting import WEEKDAYS

DAYS = tuple(day.lower() for day in WEEKDAYS)
K_CHOICES = f"`k=auto`, `k=keep` or a number from {K_MIN} to {K_MAX}"
USAGE = (
    "Write `/segment schedule weekly <day> <HH:MM> [timezone]`, e.g. "
    "`/segment schedule weekly mon 09:00 Europe/London`."
)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


@dataclass(frozen=True)
class SetSchedule:
    """A weekly digest on ``weekday`` (0 = Monday) at ``time`` ("HH:MM") in ``timezone``.

    ``timezone`` None means the user's Slack timezone (UTC if unknown). ``k_mode`` is
    "keep" (the previous run's k), "auto" or a number of segments.
    """

    weekday: int
    time: str
    timezone: str | None = None
    k_mode: str = "keep"


@dataclass(frozen=True)
class ShowSchedule:
    """``/segment schedule``: what is set in this channel, and when the next digest comes."""


@dataclass(frozen=True)
class ScheduleOff:
    """``/segment schedule off``: stop this channel's weekly digest."""


@dataclass(frozen=True)
class DigestNow:
    """``/segment digest now``: refresh and post this channel's digest right away."""


DigestCommand = SetSchedule | ShowSchedule | ScheduleOff | DigestNow


def parse_schedule(words: list[str]) -> DigestCommand:
    """The words after ``/segment schedule``."""
    if not words:
        return ShowSchedule()
    verb = words[0].lower()
    if verb in ("off", "stop", "cancel", "disable") and len(words) == 1:
        return ScheduleOff()
    if verb in ("show", "status") and len(words) == 1:
        return ShowSchedule()
    if verb != "weekly":
        raise UserError(f"I don't understand `schedule {quote(' '.join(words))}`. {USAGE}")
    options = [w for w in words[1:] if w.lower().startswith("k=")]
    rest = [w for w in words[1:] if not w.lower().startswith("k=")]
    if len(rest) not in (2, 3):
        raise UserError(f"Tell me a day and a time. {USAGE}")
    return SetSchedule(
        weekday=parse_day(rest[0]),
        time=parse_time(rest[1]),
        timezone=parse_timezone(rest[2]) if len(rest) == 3 else None,
        k_mode=_k_mode(options),
    )


def parse_digest(words: list[str]) -> DigestNow:
    """The words after ``/segment digest``: only ``now``."""
    if [w.lower() for w in words] != ["now"]:
        raise UserError(
            "Write `/segment digest now` to post this channel's digest now, or "
            "`/segment schedule weekly <day> <HH:MM>` to get it every week."
        )
    return DigestNow()


def parse_day(word: str) -> int:
    """0 = Monday … 6 = Sunday from "mon", "Monday", "tues"…; UserError otherwise."""
    w = word.lower().rstrip(".,")
    if len(w) >= 2:
        found = [i for i, day in enumerate(DAYS) if day.startswith(w)]
        if len(found) == 1:
            return found[0]
    raise UserError(
        f"`{quote(word)}` is not a day of the week: use mon, tue, wed, thu, fri, sat or sun."
    )


def parse_time(word: str) -> str:
    """ "09:00", "9:30", "17.45" → "HH:MM" (24-hour); UserError otherwise."""
    match = _TIME.match(word.strip().lower())
    if not match:
        raise UserError(
            f"`{quote(word)}` is not a time: write it as HH:MM on the 24-hour clock, e.g. 09:00 or 17:30."
        )
    return f"{int(match[1]):02d}:{match[2]}"


def parse_timezone(word: str) -> str:
    """An IANA timezone name in its proper spelling (case-insensitive); UserError otherwise."""
    found = _zones().get(word.strip().lower())
    if found:
        return found
    raise UserError(
        f"I don't know the timezone `{quote(word)}`. Use an Area/City name such as Europe/London, "
        "America/New_York or Asia/Tokyo (or UTC)."
    )


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()} | {"utc": "UTC"}


def _k_mode(options: list[str]) -> str:
    if not options:
        return "keep"
    if len(options) > 1:
        raise UserError(f"Give k once: {K_CHOICES}.")
    value = options[0].split("=", 1)[1].lower()
    if value in ("auto", "keep"):
        return value
    if value.isdigit() and int(value) in K_RANGE:
        return str(int(value))
    raise UserError(f"`k={quote(value)}` won't work: use {K_CHOICES}.")
