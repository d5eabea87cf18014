"""The sentences a campaign says: its problems, what it can detect, and its verdict.

Plain text, no formatting: the Slack side escapes it once, the command line prints it.
"""

from __future__ import annotations

import datetime as dt
import math

from segmentation.formatting import money
from segmentation.lifecycle import STATES
from segmentation.lift import PLAUSIBLE_LIFT, Interval, detectable_lift, split, suggested_holdout
from segmentation.summary import Segment
from storage import Campaign

MIN_GROUP = 20
MAX_NAME = 60
NAME_MARKS = set(" -.'#/:()")  # besides letters and digits: nothing Slack would format


def name_problem(name: str) -> str | None:
    """Why ``name`` (stripped) can't name a campaign, or None."""
    if not name:
        return "Give the campaign a name, e.g. `winback-january`."
    if len(name) > MAX_NAME:
        return f"A campaign name is at most {MAX_NAME} characters."
    if not all(c.isalnum() or c in NAME_MARKS for c in name):
        return (
            "A campaign name is plain words: letters, digits, spaces and - . ' # / : ( ) only "
            "(no formatting marks such as * _ ~ ` < > &)."
        )
    return None


def state_problem(given: str) -> str:
    known = ", ".join(STATES)
    if not given.strip():
        return f"The state is empty: give one of {known}, or leave it out for every member."
    return f"“{given.strip()[:30]}” is not a lifecycle state: use one of {known}."


def segment_problem(given: str, segments: tuple[Segment, ...], run_id: int) -> str:
    if not given:
        return "Say which segment the campaign is for: its number or its name."
    known = ", ".join(f"{s.id} ({s.name})" for s in segments)
    return f"Run {run_id} has no segment “{given[:40]}”: its segments are {known}."


def group_too_small(members: int, holdout: float, treated: int, held_out: int) -> str:
    return (
        f"A {percent(holdout)} holdout of {members:,} customers leaves {held_out:,} held out and "
        f"{treated:,} treated: each group needs at least {MIN_GROUP}; choose a larger segment "
        "or another holdout."
    )


def power_sentence(campaign: Campaign) -> str:
    """What the design can detect, and a larger holdout to use when it can't show a plausible
    lift (``lift.PLAUSIBLE_LIFT``)."""
    said = (
        f"With {campaign.members:,} customers and a {percent(campaign.holdout)} holdout, a lift "
        f"of {points(campaign.detectable_lift)} points or more in the share who buy within "
        f"{campaign.window_days} days would show at 95 % confidence with 80 % power."
    )
    if campaign.detectable_lift <= PLAUSIBLE_LIFT:
        return said
    better = suggested_holdout(campaign.baseline, campaign.members, campaign.holdout)
    if better is not None:
        lift = detectable_lift(campaign.baseline, *split(campaign.members, better))
        return f"{said} A {percent(better)} holdout would show {points(lift)} points."
    half = detectable_lift(campaign.baseline, *split(campaign.members, 0.5))
    return (
        f"{said} That is more than most campaigns cause: even holding out half, only "
        f"{points(half)} points would show; a larger segment would tell more."
    )


def verdict(
    lift: Interval, revenue: Interval, *, treated: int, detectable: float, window_ends: dt.date,
    ended: bool, days: int, currency: str | None,
) -> str:  # fmt: skip
    """The read-out in one sentence: a lift caused (or a fall), or that none can be seen yet."""
    extra = (
        f"about {money(revenue.estimate * treated, currency)} of extra net revenue (95 % CI "
        f"{money(revenue.low * treated, currency)} to {money(revenue.high * treated, currency)})"
    )
    share = f"the share who bought within {days} days"
    if lift.caused:
        return (
            f"The campaign caused {signed(lift.estimate)} points in {share} (95 % CI "
            f"{signed(lift.low)} to {signed(lift.high)}), {extra}."
        )
    if lift.lowered:
        return (
            f"The treated group bought less: {signed(lift.estimate)} points in {share} (95 % CI "
            f"{signed(lift.low)} to {signed(lift.high)}), {extra}."
        )
    when = (
        f"the window ended on {day(window_ends)}"
        if ended
        else f"the window ends on {day(window_ends)}"
    )
    yet = "" if ended else " yet"
    return (
        f"No effect can be seen{yet}: at this size only a lift over {points(detectable)} points "
        f"would show; {when}."
    )


def percent(share: float) -> str:
    text = f"{share * 100:.1f}".removesuffix(".0")
    return f"{text} %"


def points(share: float) -> str:
    """A difference of shares in percentage points, one decimal (``0.041`` → ``4.1``)."""
    return f"{share * 100:.1f}"


def signed(share: float) -> str:
    value = share * 100
    return f"{'+' if value >= 0 else '−'}{abs(value):.1f}"


def day(date: dt.date) -> str:
    """``14 Jan 2027``."""
    return f"{date.day} {date:%b %Y}"


def relative(lift: float, base: float) -> float | None:
    """``lift`` over ``base``; None when the base is 0 (a relative change of nothing)."""
    return None if base == 0 or math.isnan(base) else lift / base
