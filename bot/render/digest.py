"""The weekly digest as Slack text and blocks (pure): a ``Digest`` in, text/blocks out."""

from __future__ import annotations

import datetime as dt

from bot.digest.compare import Digest, SegmentRow
from bot.render.blocks import actions, bullets, button, context, echo, escape, header, section
from segmentation.facts import LIKELY_GONE
from segmentation.formatting import money, utc_label
from segmentation.movement import INTO_LAPSING, NEWLY_GONE, Movement

MOVERS_ACTION = "digest_export_movers"


def change_text(row: SegmentRow) -> str:
    """ "▲ 12", "▼ 3", "no change" or "new"."""
    change = row.change
    if change is None:
        return "new"
    if change == 0:
        return "no change"
    return f"{'▲' if change > 0 else '▼'} {abs(change):,}"


def segment_line(row: SegmentRow) -> str:
    """ "*Loyal* (was Quiet): 90 customers (▼ 10), 80% of revenue" (without the bullet)."""
    was = f" (was {row.was})" if row.was else ""
    return (
        f"*{row.name}*{was}: {row.customers:,} customers ({change_text(row)}), "
        f"{row.revenue_share:.0%} of revenue"
    )


def movement_lines(digest: Digest) -> list[str]:
    """Flows in words, new and lost customers, revenue at risk (without bullets)."""
    m = digest.movement
    if m is None:
        return []
    lines = list(digest.flows) or ["Nobody changed segment."]
    lost = f", {m.lost_customers:,} are no longer in the data" if m.lost_customers else ""
    lines.append(f"{m.moved:,} customers changed segment, {m.new_customers:,} are new{lost}.")
    lines.append(risk_line(m))
    return lines


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


def _movement_text(digest: Digest) -> str:
    if digest.movement is None:
        return "This is the first run in this channel, so there is nothing to compare yet."
    return bullets(movement_lines(digest))


def digest_text(digest: Digest) -> str:
    """The plain-text fallback (and notification text)."""
    d = digest
    head = f"Weekly digest for `{echo(d.dataset_name)}` as of {d.as_of}: {d.k} segments."
    return "\n".join([head, bullets([segment_line(r) for r in d.rows]), _movement_text(d)])


def digest_blocks(digest: Digest) -> list[dict]:
    """Header, segments with change, movement, actions, and notes on skipped slots."""
    d = digest
    blocks = [
        header("Weekly segment digest"),
        context(
            f"`{echo(d.dataset_name)}` re-segmented as of {d.as_of}, {d.k} segments (run #{d.run_id}). "
            f"{d.stability}"
        ),
        section("*Segments now*\n" + bullets([segment_line(r) for r in d.rows])),
    ]
    if d.gone:
        blocks.append(section("No longer a segment: " + ", ".join(f"*{n}*" for n in d.gone)))
    blocks.append(section("*Movement since the last run*\n" + _movement_text(d)))
    if d.actions:
        blocks.append(section("*What to do now*\n" + bullets(list(d.actions))))
    if d.skipped:
        missed = ", ".join(utc_label(s) for s in d.skipped)
        blocks.append(context(f"Missed while I was offline (too late to post): {missed}."))
    blocks.append(context("Charts and the movers' CSV are in the thread."))
    return blocks


def movers_message(previous_run_id: int | None, run_id: int, moved: int) -> tuple[str, list[dict]]:
    """The thread message with the **Export CSV** button for the customers who moved.

    The button's value is "<previous run id>:<run id>".
    """
    if previous_run_id is None:
        return "Nothing to export yet: this is the first run.", [section("Nothing to export yet.")]
    text = f"{moved:,} customers changed segment since run #{previous_run_id}."
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


def digest_now_text(as_of: dt.date) -> str:
    """The reply to ``/segment digest now`` (the digest itself follows in the channel)."""
    return f"Re-segmenting as of {as_of.isoformat()}; the digest will appear here in a moment."
