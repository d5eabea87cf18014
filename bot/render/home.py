"""The App Home tab (pure): one card per channel the user shares with segbot, or a welcome.

Each card says the channel's latest export and run, its weekly digest and next slot, and has
buttons for the common actions; each button's value is the channel id. At most ``MAX_CARDS``
cards (3 blocks each) keep the view well under Slack's 100 blocks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.render.blocks import (
    actions,
    button,
    context,
    divider,
    echo,
    escape,
    header,
    section,
)
from bot.render.schedule import every, when
from segmentation.formatting import count, utc_label
from storage import Campaign, Dataset, RunRecord, Schedule

HOME_SHOW = "home_show_results"
HOME_SCHEDULE = "home_schedule_digest"
HOME_EXPORT = "home_export_csv"
HOME_ACTIONS = (HOME_SHOW, HOME_SCHEDULE, HOME_EXPORT)
MAX_CARDS = 15
CAMPAIGNS_SHOWN = 3  # per channel: the card stays short (a section holds 3,000 characters)

WELCOME = (
    "*segbot turns a transaction export into customer segments* (who buys often, who spends "
    "most, who is drifting away) with a strategy for each, right in Slack."
)
HOW_TO = [
    "Invite me to a channel (`/invite @segbot`) and share an export there: CSV, TSV, XLSX, "
    "Parquet, GZ or ZIP with a customer id, a date and an amount per line.",
    "I post the segments in the channel's thread; `/segment help` there lists what else I do.",
    "Schedule a weekly digest to see who moved between segments, and export any segment as a CSV.",
]
NO_CHANNELS = (
    "*We don't share a channel with results yet.* Share an export in a channel with me "
    "(invite me with `/invite @segbot` first) and it will show up here."
)


@dataclass(frozen=True)
class ChannelCard:
    """What the home says of one channel."""

    channel_id: str
    dataset: Dataset
    run: RunRecord | None
    schedule: Schedule | None  # None or disabled: no digest
    next_slot: dt.datetime | None
    campaigns: tuple[Campaign, ...] = ()  # newest first, with their latest read-outs


PARTIAL = (
    "This list of channels may be incomplete: Slack asked me to slow down while I checked "
    "who is in them. Try again in a minute."
)


def home_view(cards: list[ChannelCard], notice: str | None = None) -> dict:
    """The App Home: a notice (the outcome of the last button), the cards, then the help."""
    blocks = [header("segbot: customer segments")]
    if notice:
        blocks.append(section(f":information_source: {notice}"))
    if cards:
        blocks.append(section(f"*Your channels with segments* ({len(cards)})"))
        for card in cards[:MAX_CARDS]:
            blocks += [divider(), *_card(card)]
        if len(cards) > MAX_CARDS:
            blocks.append(context(f"…and {len(cards) - MAX_CARDS} more channels."))
    else:
        blocks.append(section(NO_CHANNELS))
    blocks += [
        divider(),
        section(WELCOME),
        section("\n".join(f"{i}. {s}" for i, s in enumerate(HOW_TO, 1))),
    ]
    return {"type": "home", "blocks": blocks}


def _card(card: ChannelCard) -> list[dict]:
    d, run = card.dataset, card.run
    customers = f", {count(d.customers, 'customer')}" if d.customers else ""
    lines = [
        f"*<#{card.channel_id}>*",
        f"Latest export: `{echo(d.file_name)}`{customers}, shared {utc_label(d.created_at)}",
        _run_line(run),
        _digest_line(card.schedule, card.next_slot),
        *_campaign_lines(card.campaigns),
    ]
    value = card.channel_id
    buttons = [
        button(HOME_SHOW, "Show results", value),
        button(HOME_SCHEDULE, "Schedule digest", value),
        button(HOME_EXPORT, "Export CSV", value),
    ]
    if run is None:
        buttons = [buttons[1]]  # nothing to show or export yet
    return [section("\n".join(lines)), actions(f"home_{card.channel_id}", buttons)]


def _campaign_lines(campaigns: tuple[Campaign, ...]) -> list[str]:
    """A line per campaign, newest first: its latest verdict, or when its window ends."""
    lines = []
    for campaign in campaigns[:CAMPAIGNS_SHOWN]:
        report = campaign.report or {}
        ends = report.get("window_ends") or _window_end(campaign)
        said = report.get("verdict") or f"no read-out yet (its window ends on {ends})"
        lines.append(f"Campaign `{echo(campaign.name)}`: {escape(str(said), 300)}")
    if len(campaigns) > CAMPAIGNS_SHOWN:
        lines.append("…and older campaigns: `/segment campaign list` in the channel.")
    return lines


def _window_end(campaign: Campaign) -> str:
    start = dt.date.fromisoformat(campaign.start[:10])
    return (start + dt.timedelta(days=campaign.window_days - 1)).isoformat()  # its last day


def _run_line(run: RunRecord | None) -> str:
    if run is None:
        return "Latest run: none finished yet."
    return f"Latest run: k = {run.k}, {utc_label(run.finished_at or run.created_at)}"


def _digest_line(schedule: Schedule | None, next_slot: dt.datetime | None) -> str:
    if schedule is None or not schedule.enabled:
        return "Weekly digest: off."
    nxt = f"; next {when(next_slot, schedule.timezone)}" if next_slot else ""
    return f"Weekly digest: {every(schedule)}{nxt}."
