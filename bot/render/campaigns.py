"""Campaign replies as Block Kit and text, from the workflows' typed results (pure).

A campaign's name is the user's: quoted with ``echo`` here, once. The workflows' sentences
(what it can detect, the verdict, the balance) hold no user text and are shown as they are.
"""

from __future__ import annotations

import datetime as dt

from bot.render.blocks import bullets, clip, context, echo, escape, section
from storage import Campaign
from workflows.campaign_endings import Ending
from workflows.campaign_report import Group, Report
from workflows.campaign_words import day, percent
from workflows.campaigns import Started


def started_text(started: Started) -> str:
    c = started.campaign
    scope = f"segment {c.segment} ({echo(c.segment_name)})"
    if c.state:
        scope += f", {c.state.replace('_', ' ')} customers only"
    return (
        f"*Campaign `{echo(c.name)}` started* on {day(dt.date.fromisoformat(c.start))} for "
        f"{c.window_days} days: {c.members:,} customers of {scope}; {c.held_out:,} held out at "
        f"random ({percent(c.holdout)}), {c.treated:,} to contact.\n{started.power}"
    )


def started_blocks(started: Started) -> list[dict]:
    return [
        section(started_text(started)),
        context(
            "The members' CSV is in your direct messages: contact only the rows not held out. "
            f"`/segment campaign {echo(started.campaign.name)}` reads out the lift once newer "
            "transactions are shared."
        ),
    ]


def report_text(report: Report) -> str:
    lines = [
        f"*Campaign `{echo(report.campaign)}`*: {report.verdict}",
        _group_line("Treated", report.treated),
        _group_line("Held out", report.holdout),
    ]
    if report.balance:
        lines.append(report.balance)
    return clip("\n".join(lines))


def report_blocks(report: Report) -> list[dict]:
    lift = report.lift
    relative = "" if lift["relative"] is None else f", {lift['relative']:+.0%} relative"
    return [
        section(f"*Campaign `{echo(report.campaign)}`*\n{report.verdict}"),
        section(
            f"*Within the window* (to {day(report.window_ends)})",
            [_group_line("Treated", report.treated), _group_line("Held out", report.holdout)],
        ),
        context(
            f"Lift {lift['absolute'] * 100:+.1f} points{relative}; data to "
            f"{day(report.data_end)}, window to {day(report.window_ends)}."
            + (f" {report.balance}" if report.balance else "")
        ),
    ]


def list_text(campaigns: list[Campaign], today: dt.date) -> str:
    if not campaigns:
        return (
            "No campaigns yet in this channel. Start one with `/segment campaign start NAME "
            "segment=S`."
        )
    lines = ["*Campaigns*"]
    for c in campaigns:
        ends = dt.date.fromisoformat(c.start) + dt.timedelta(days=c.window_days - 1)
        status = f"ended {day(ends)}" if ends < today else f"open until {day(ends)}"
        verdict = (c.report or {}).get("verdict") or "not read out yet"
        lines.append(
            f"• `{echo(c.name)}`: {c.members:,} of {echo(c.segment_name)}, {status}. {verdict}"
        )
    return clip("\n".join(lines))


def open_campaigns_text(lines: tuple[tuple[str, str], ...]) -> str:
    """One line per open campaign, ``(name, sentence)``: said when new data arrive."""
    said = [f"`{echo(name)}`: {sentence}" for name, sentence in lines]
    return clip("*Campaigns, read out on the new data*\n" + bullets(said))


def _group_line(label: str, group: Group) -> str:
    return (
        f"*{label}*: {group.customers:,} customers, {group.rate:.1%} bought, "
        f"{group.orders_per_customer:.2f} orders and {group.revenue_per_customer:,.2f} net "
        "revenue per customer"
    )


def ending_text(ending: Ending) -> str:
    """A campaign's window has ended: its last read-out, or why there is none."""
    campaign = ending.campaign
    last = dt.date.fromisoformat(campaign.start[:10]) + dt.timedelta(days=campaign.window_days - 1)
    head = f"The window of campaign `{echo(campaign.name)}` ended on {day(last)}:"
    if ending.report is None:
        return clip(f"{head} no last read-out. {escape(ending.reason or '')}")
    return clip(f"{head} its last read-out.\n{report_text(ending.report)}")


def ending_blocks(ending: Ending) -> list[dict]:
    if ending.report is None:
        return [section(ending_text(ending))]
    return [section(ending_text(ending).split("\n")[0]), *report_blocks(ending.report)]
