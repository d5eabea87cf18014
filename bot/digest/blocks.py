"""Pure Block Kit for the digest and the schedule replies: data in, text/blocks out."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.digest import slots

if TYPE_CHECKING:
    from bot.digest.refresh import Digest

MOVERS_ACTION = "digest_export_movers"
SCHEDULE_ACTION = "schedule_digest"
MAX_TEXT = 2900


def _section(text: str) -> dict:
    clipped = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": clipped}}


def change_text(row: dict) -> str:
    """ "▲ 12", "▼ 3", "no change" or "new"."""
    change = row["change"]
    if change is None:
        return "new"
    if change == 0:
        return "no change"
    return f"{'▲' if change > 0 else '▼'} {abs(change):,}"


def segment_line(row: dict) -> str:
    was = f" (was {row['was']})" if row.get("was") else ""
    return (
        f"• *{row['name']}*{was}: {row['customers']:,} customers ({change_text(row)}), "
        f"{row['revenue_share']:.0%} of revenue"
    )


def movement_lines(digest: Digest) -> list[str]:
    """Flows in words, new and lost customers, revenue at risk."""
    m = digest.movement
    if m is None:
        return ["This is the first run in this channel, so there is nothing to compare yet."]
    lines = [f"• {sentence}" for sentence in digest.flows]
    if not lines:
        lines.append("• Nobody changed segment.")
    lines.append(
        f"• {m['moved']:,} customers changed segment, {m['new_customers']:,} are new"
        + (f", {m['lost_customers']:,} are no longer in the data" if m["lost_customers"] else "")
        + "."
    )
    lines.append(
        f"• *Revenue at risk: {m['revenue_at_risk']:,.2f}*, the historic spend of "
        f"{m['at_risk_customers']:,} customers who moved into a lapsing segment."
        if m["at_risk_customers"]
        else "• No customers slipped into a lapsing segment."
    )
    return lines


def digest_text(digest: Digest) -> str:
    """The plain-text fallback (and notification text)."""
    d = digest
    lines = [f"Weekly digest for `{d.dataset_name}` as of {d.as_of}: {d.k} segments."]
    lines += [segment_line(r) for r in d.rows]
    lines += movement_lines(d)
    return "\n".join(lines)


def digest_blocks(digest: Digest) -> list[dict]:
    """Header, segments with change, movement, actions, and notes on skipped slots."""
    d = digest
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly segment digest"}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"`{d.dataset_name}` re-segmented as of {d.as_of}, "
                    f"{d.k} segments (run #{d.run_id}).",
                }
            ],
        },
        _section("*Segments now*\n" + "\n".join(segment_line(r) for r in d.rows)),
    ]
    if d.gone:
        blocks.append(_section("No longer a segment: " + ", ".join(f"*{n}*" for n in d.gone)))
    blocks.append(_section("*Movement since the last run*\n" + "\n".join(movement_lines(d))))
    if d.actions:
        blocks.append(_section("*What to do now*\n" + "\n".join(f"• {a}" for a in d.actions)))
    if d.skipped:
        missed = ", ".join(s[:16].replace("T", " ") + " UTC" for s in d.skipped)
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"Missed while I was offline (too late to post): {missed}.",
                    }
                ],
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "Charts and the movers' CSV are in the thread."}
            ],
        }
    )
    return blocks


def movers_blocks(previous_run_id: int | None, run_id: int, moved: int) -> tuple[str, list[dict]]:
    """The thread message with the **Export CSV** button for the customers who moved."""
    if previous_run_id is None:
        return "Nothing to export yet: this is the first run.", [_section("Nothing to export yet.")]
    text = f"{moved:,} customers changed segment since run #{previous_run_id}."
    return text, [
        _section(text),
        {
            "type": "actions",
            "block_id": f"digest-movers-{run_id}",
            "elements": [
                {
                    "type": "button",
                    "action_id": MOVERS_ACTION,
                    "text": {"type": "plain_text", "text": "Export CSV"},
                    "value": f"{previous_run_id}:{run_id}",
                }
            ],
        },
    ]


def schedule_button(run_id: int | str) -> dict:
    """The **Schedule weekly digest** button for the results message."""
    return {
        "type": "button",
        "action_id": SCHEDULE_ACTION,
        "text": {"type": "plain_text", "text": "Schedule weekly digest"},
        "value": str(run_id),
    }


def schedule_text(schedule: dict | None, next_slot: dt.datetime | None) -> str:
    """The reply to ``/segment schedule``: what is set, and when the next digest comes."""
    if schedule is None or not schedule.get("enabled"):
        return (
            "No weekly digest is scheduled in this channel. Set one with "
            "`/segment schedule weekly mon 09:00` (your Slack timezone) or add a timezone, "
            "e.g. `/segment schedule weekly fri 16:30 America/New_York`."
        )
    tz = schedule["timezone"]
    every = slots.describe(schedule["weekday"], schedule["time"], tz)
    k = {"keep": "keeping the current k", "auto": "choosing k afresh"}.get(
        schedule.get("k_mode") or "keep", f"with k={schedule.get('k_mode')}"
    )
    nxt = f" Next: {slots.when(next_slot, tz)}." if next_slot else ""
    return f"The digest is posted here {every}, {k}.{nxt} Turn it off with `/segment schedule off`."


def schedule_set_text(schedule: dict, next_slot: dt.datetime, *, from_profile: bool) -> str:
    tz_note = " (your Slack timezone)" if from_profile else ""
    every = slots.describe(schedule["weekday"], schedule["time"], schedule["timezone"])
    return (
        f"Done: I'll post the segment digest here {every}{tz_note}. "
        f"The first one: {slots.when(next_slot, schedule['timezone'])}. "
        "`/segment digest now` posts one right away; `/segment schedule off` stops it."
    )


def schedule_off_text(was_on: bool) -> str:
    if was_on:
        return "The weekly digest in this channel is off. Past digests and runs are kept."
    return "There was no weekly digest scheduled in this channel."


def failure_dm_text(channel_id: str, slot: str, error: str) -> str:
    """The DM to the schedule's creator when a digest could not be posted."""
    return (
        f"I couldn't post the weekly segment digest in <#{channel_id}> "
        f"(due {slot[:16].replace('T', ' ')} UTC): {error}. "
        "If I was removed from the channel, invite me back with `/invite @segbot`; "
        "`/segment digest now` there posts it once I can."
    )
