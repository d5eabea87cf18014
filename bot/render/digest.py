"""The weekly digest as Slack text and blocks (pure): a ``Digest`` in, text/blocks out."""

from __future__ import annotations

import datetime as dt

from bot.render.blocks import (
    actions,
    bullets,
    button,
    context,
    echo,
    escape,
    header,
    literal,
    section,
)
from segmentation.facts import LIKELY_GONE
from segmentation.formatting import count, money, utc_label
from segmentation.movement import INTO_LAPSING, NEWLY_GONE, Movement
from workflows.digest.compare import Digest, SegmentRow

MOVERS_ACTION = "digest_export_movers"
SHOWN_IDS = 10  # customer ids listed by name when at most this many changed
STALE_DAYS = 28  # older data than this (before the digest's date) is said to be stale


def change_text(row: SegmentRow) -> str:
    """ "▲ 12", "▼ 3", "no change" or "new"."""
    change = row.change
    if change is None:
        return "new"
    if change == 0:
        return "no change"
    return f"{'▲' if change > 0 else '▼'} {abs(change):,}"


def segment_line(row: SegmentRow, *, with_change: bool = True) -> str:
    """ "*Loyal* (was Quiet): 90 customers (▼ 10), 80% of revenue" (without the bullet); the
    change left out when there is nothing to compare with."""
    was = f" (was {row.was})" if row.was else ""
    change = f" ({change_text(row)})" if with_change else ""
    return (
        f"*{row.name}*{was}: {row.customers:,} customers{change}, "
        f"{row.revenue_share:.0%} of revenue"
    )


def movement_lines(digest: Digest) -> list[str]:
    """Flows in words, how many changed segment, revenue at risk (without bullets)."""
    m = digest.movement
    if m is None:
        return []
    lines = list(digest.flows) or ["Nobody changed segment."]
    if m.moved:
        lines.append(f"{count(m.moved, 'customer')} changed segment in all: {_why_moved(digest)}.")
    lines.append(risk_line(m))
    return lines


def _why_moved(digest: Digest) -> str:
    """Which movers' own data changed, and why the others moved."""
    moved, changed = digest.moved, digest.moved_with_new_data
    refit = (
        "the segments were fitted again on the new data, with recency now measured to "
        f"{digest.as_of.isoformat()}"
    )
    if changed == moved:
        return "each of them bought or returned something"
    if changed == 0:
        return f"none of them bought or returned anything; they moved because {refit}"
    return f"{changed:,} of them bought or returned something, the others moved because {refit}"


def change_lines(digest: Digest) -> list[str]:
    """What changed in the data since the compared run, customer by customer (no bullets)."""
    change = digest.data_change
    if change is None:
        return []
    lines = [
        f"{_who(change.changed)} bought or returned something since run "
        f"#{digest.previous_run_id}{_ids(change.changed)}."
    ]
    if change.new:
        lines.append(
            f"{_who(change.new)} {_verb(change.new, 'appears', 'appear')} for the first time{_ids(change.new)}."
        )
    if change.gone:
        lines.append(
            f"{_who(change.gone)} {_verb(change.gone, 'is', 'are')} no longer in the data{_ids(change.gone)}."
        )
    if digest.newest and change.newest_before and digest.newest != change.newest_before:
        lines.append(
            f"The newest transaction is now from {digest.newest.isoformat()} "
            f"(it was {change.newest_before.isoformat()})."
        )
    return lines


def _who(ids: tuple[str, ...]) -> str:
    return "No customer" if not ids else count(len(ids), "customer")


def _verb(ids: tuple[str, ...], one: str, many: str) -> str:
    return one if len(ids) == 1 else many


def _ids(ids: tuple[str, ...]) -> str:
    """ " (12346, 12347)" for a few customer ids, "" for none or many."""
    return f" ({', '.join(f'`{echo(i)}`' for i in ids)})" if 0 < len(ids) <= SHOWN_IDS else ""


def risk_line(m: Movement) -> str:
    """Revenue at risk and what it is: from the predictions when the run has them, else the
    spend of customers who moved into a lapsing segment."""
    total = f"*Revenue at risk: {money(m.revenue_at_risk)}*"
    who = f"{m.at_risk_customers:,} customers" if m.at_risk_customers != 1 else "1 customer"
    if m.at_risk_basis == INTO_LAPSING:
        if not m.at_risk_customers:
            return "No customers slipped into a lapsing segment."
        return f"{total}, the historic spend of {who} who moved into a lapsing segment."
    newly = m.at_risk_basis == NEWLY_GONE
    if not m.at_risk_customers:
        return (
            "No customers became likely gone since the last run."
            if newly
            else "No customers are likely gone."
        )
    are = "is" if m.at_risk_customers == 1 else "are"
    gone = f"under {LIKELY_GONE:.0%} chance of still being active"
    if newly:
        return f"{total}, the past net spend of {who} who {are} now likely gone ({gone})."
    return (
        f"{total}, the past net spend of {who} who {are} likely gone ({gone}; the last run had "
        "no predictions to compare with)."
    )


def staleness(digest: Digest) -> str:
    """ "The newest transaction is from 9 Dec 2011, about 18 years before this digest." when
    the data ends more than ``STALE_DAYS`` before the digest's date, else ""."""
    if digest.newest is None:
        return ""
    days = (digest.date - digest.newest).days
    if days <= STALE_DAYS:
        return ""
    return (
        f"The newest transaction is from {_long_date(digest.newest)}, {_span(days)} before "
        "this digest."
    )


def _span(days: int) -> str:
    """A number of days in plain words: "40 days", "about 7 months", "about 18 years"."""
    if days < 60:
        return f"{days} days"
    if days < 730:
        return f"about {round(days / 30.44)} months"
    return f"about {round(days / 365.25)} years"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def nothing_new_line(digest: Digest) -> str:
    """The one line of a digest on data the compared run already had."""
    d = digest
    newest = "" if d.newest is None else f"; the newest is still from {d.newest.isoformat()}"
    if d.live:
        return f"*Nothing new:* the source has had no new transactions since run #{d.previous_run_id}{newest}."
    return (
        f"*Nothing new:* no transactions have arrived since run #{d.previous_run_id}{newest}. "
        "Connect a source with `/segment source` and each digest will read the latest data."
    )


def replaced_line(digest: Digest) -> str:
    """The channel's data were replaced since the last digest: a new history, not compared."""
    return (
        f"This channel's data were replaced since the last digest (`{echo(digest.replaced)}` by "
        f"`{echo(digest.dataset_name)}`), so nothing is compared with before: its history "
        "starts here."
    )


def run_line(digest: Digest) -> str:
    """Which run, how it got its k, what recency is measured to, and how stable it is."""
    d = digest
    to = "the digest's date" if d.live else "the day after the newest transaction"
    return (
        f"`{echo(d.dataset_name)}`, run #{d.run_id}: {d.k_phrase or f'k = {d.k}'}; recency "
        f"measured to {d.as_of.isoformat()}, {to}. {d.stability}"
    )


def digest_text(digest: Digest) -> str:
    """The notification text: one sentence said nowhere else in the digest."""
    d = digest
    head = f"Weekly digest for `{echo(d.dataset_name)}` ({d.date.isoformat()})"
    if d.nothing_new:
        return f"{head}: no new data, the {count(d.k, 'segment')} stand as they were."
    if d.replaced is not None:
        return f"{head}: {count(d.k, 'segment')}; the data were replaced since the last digest."
    if d.movement is None:
        return f"{head}: {count(d.k, 'segment')} in this channel's first digest."
    moved = count(d.moved, "customer")
    return f"{head}: {count(d.k, 'segment')}, {moved} moved since run #{d.previous_run_id}."


def digest_blocks(digest: Digest) -> list[dict]:
    """Header, what changed (or that nothing did), segments, movement, actions, notes."""
    d = digest
    blocks = [header("Weekly segment digest")]
    if d.nothing_new:
        blocks.append(section(nothing_new_line(d)))
    blocks.append(context(" ".join(filter(None, [staleness(d), run_line(d)]))))
    rows = [
        segment_line(r, with_change=not d.nothing_new and d.movement is not None) for r in d.rows
    ]
    blocks.append(section("*Segments now*\n" + bullets(rows)))
    if d.nothing_new:
        return blocks + _campaigns(d) + _notes(d)
    if d.gone:
        blocks.append(section("No longer a segment: " + ", ".join(f"*{n}*" for n in d.gone)))
    if d.replaced is not None:
        blocks.append(section(replaced_line(d)))
    elif d.movement is None:
        blocks.append(
            section("This is the first run in this channel, so there is nothing to compare yet.")
        )
    else:
        blocks.append(section("*What changed in the data*\n" + bullets(change_lines(d))))
        blocks.append(section("*Movement since the last digest*\n" + bullets(movement_lines(d))))
    if d.actions:
        done = [f"{what}. {literal(strategy)}" for what, strategy in d.actions]
        blocks.append(section("*What to do now*\n" + bullets(done)))
    return blocks + _campaigns(d) + _notes(d)


def _campaigns(digest: Digest) -> list[dict]:
    """A line per open campaign: its name (the user's, quoted once here) and verdict."""
    if not digest.campaigns:
        return []
    lines = [f"`{echo(name)}`: {sentence}" for name, sentence in digest.campaigns]
    return [section("*Campaigns*\n" + bullets(lines))]


def _notes(digest: Digest) -> list[dict]:
    """Missed slots, and what is in the thread."""
    d, notes = digest, []
    if d.skipped:
        missed = ", ".join(utc_label(s) for s in d.skipped)
        notes.append(context(f"Missed while I was offline (too late to post): {missed}."))
    there = {(True, True): "Charts and the movers' CSV are", (True, False): "Charts are"}
    if d.charts or d.moved:
        what = there.get((bool(d.charts), bool(d.moved)), "The movers' CSV is")
        notes.append(context(f"{what} in the thread."))
    return notes


def movers_message(previous_run_id: int, run_id: int, moved: int) -> tuple[str, list[dict]]:
    """The thread message with the **Export CSV** button for the customers who moved (only
    posted when someone did). The button's value is "<previous run id>:<run id>"."""
    text = (
        f"Export the {count(moved, 'customer')} who changed segment since run #{previous_run_id}."
    )
    export = button(MOVERS_ACTION, "Export CSV", f"{previous_run_id}:{run_id}")
    return text, [section(text), actions(f"digest-movers-{run_id}", [export])]


def failure_dm_text(channel_id: str, slot: str, error: str) -> str:
    """The DM to a schedule's creator when the digest due at ``slot`` could not be posted."""
    return (
        f"I couldn't post the weekly segment digest in <#{channel_id}> "
        f"(due {utc_label(slot)}): {escape(error)}. "
        "If I was removed from the channel, invite me back with `/invite @segbot`; "
        "`/segment digest now` there posts it once I can."
    )


def digest_now_text() -> str:
    """The reply to ``/segment digest now`` (the digest itself follows in the channel)."""
    return "Checking this channel's data for news: the digest will appear here in a moment."
