"""The results message: audit, k and why, one section per segment with strategies, controls.

Shared by the upload reply, ``/segment show`` and re-runs. At most 50 blocks: ten segments
take 40, the header, audit, k, notes and controls five more.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.blocks import (
    MAX_HEADER,
    MAX_TEXT,
    actions,
    bullets,
    button,
    clip,
    context,
    divider,
    escape,
    header,
    literal,
    section,
)
from bot.render.campaign_form import campaign_select
from bot.render.schedule import schedule_button
from segmentation.choices import K_RANGE
from segmentation.formatting import money, number
from segmentation.offers import products_line
from segmentation.summary import RunSummary, Segment
from segmentation.wording import (
    facts_line,
    prediction_sentence,
    spend_sentence,
    stability_sentence,
)

EXPORT_ACTION = "export_csv"
RERUN_ACTION = "rerun_k"
AUDIENCE_ACTION = "export_audience"
AUDIENCES = {
    "meta": "Meta Custom Audiences",
    "google": "Google Customer Match",
    "email": "E-mail tool (raw e-mails)",
}
MAX_SEGMENTS = 10


def audit_line(summary: RunSummary) -> str:
    """Rows read/kept and why rows were dropped, customers, spend gross and net."""
    why = ", ".join(f"{n:,} {reason}" for reason, n in summary.dropped.items() if n) or "none"
    return (
        f"Read {summary.rows_read:,} rows, kept {summary.rows_kept:,} (dropped: {why}). "
        f"{summary.customers:,} customers; recency measured to {summary.as_of.isoformat()}. "
        f"{spend_sentence(summary)}"
    )


def trust_lines(summary: RunSummary) -> list[str]:
    """Why this k, how stable the segments are, what the lifecycle states mean, and what the
    lifetime-value predictions say (or why they are left out)."""
    lines = [summary.k_reason, stability_sentence(summary)]
    if summary.lifecycle is not None:
        lines.append(summary.lifecycle.describe())
    lines.append(prediction_sentence(summary))
    return lines


def segment_fields(segment: Segment, currency: str | None = None) -> list[str]:
    """Size, share, revenue share and medians of one segment, as section fields."""
    m = segment.median
    orders = "order" if m.frequency == 1 else "orders"
    return [
        f"*Customers*\n{segment.customers:,} ({segment.share:.0%})",
        f"*Revenue share*\n{segment.revenue_share:.0%}",
        f"*Median recency*\n{m.recency_days:,.0f} days",
        f"*Median frequency*\n{number(m.frequency)} {orders}",
        f"*Median average spend*\n{money(m.average_spend, currency)}",
        f"*Median total spend*\n{money(m.total_spend, currency)}",
    ]


def results_text(summary: RunSummary, *, title: str = "Customer segments") -> str:
    """The plain-text fallback (and notification text) of the results."""
    lines = [
        f"{escape(title, limit=MAX_HEADER)}: {summary.k} segments.",
        audit_line(summary),
        *trust_lines(summary),
    ]
    lines += [
        f"• {s.name}: {s.customers:,} customers ({s.share:.0%}), {s.revenue_share:.0%} of revenue"
        for s in summary.segments
    ]
    return "\n".join(lines)


def results_blocks(
    summary: RunSummary, *, run_id: int, title: str = "Customer segments", email_tool: bool = False
) -> list[dict]:
    """Header, audit, k and why, one section per segment with strategies, and the controls
    (the e-mail tool among the audiences only when the operator turned it on: ``email_tool``)."""
    blocks: list[dict] = [
        header(title),
        section(audit_line(summary)),
        section(f"*{summary.k} segments.* {' '.join(trust_lines(summary))}"),
    ]
    if summary.notes:
        blocks.append(context(escape(" ".join(summary.notes), limit=MAX_TEXT)))
    for s in summary.segments[:MAX_SEGMENTS]:
        blocks += [divider(), section(f"*{s.name}*", segment_fields(s, summary.currency))]
        if s.facts is not None:
            blocks.append(context(facts_line(s.facts, summary)))
        bought = products_line(s.products)
        # Product names are the file's text: shown as written, as in every strategy naming them.
        if bought:
            blocks.append(context(literal(bought, limit=MAX_TEXT)))
        if s.strategies:
            blocks.append(section(bullets([literal(text) for text in s.strategies])))
    blocks.append(controls_block(run_id, summary.segments[:MAX_SEGMENTS], email_tool=email_tool))
    return blocks


def controls_block(
    run_id: int, segments: Sequence[Segment] = (), *, email_tool: bool = False
) -> dict:
    """**Export CSV**, **Re-run with k =** (the k range), **Schedule weekly digest**,
    **Export audience** (all or one segment, for Meta or Google, and with ``email_tool`` an
    e-mail tool) and **Start a campaign** (one segment)."""
    options = [
        {"text": {"type": "plain_text", "text": str(n)}, "value": f"{run_id}:{n}"} for n in K_RANGE
    ]
    rerun = {
        "type": "static_select",
        "action_id": RERUN_ACTION,
        "placeholder": {"type": "plain_text", "text": "Re-run with k ="},
        "options": options,
    }
    export = button(EXPORT_ACTION, "Export CSV", str(run_id))
    audience = audience_select(run_id, segments, email_tool=email_tool)
    controls = [export, rerun, schedule_button(run_id), audience]
    if segments:
        controls.append(campaign_select(run_id, segments))
    return actions(f"controls-{run_id}", controls)


def audience_select(run_id: int, segments: Sequence[Segment], *, email_tool: bool = False) -> dict:
    """A select grouped by platform: all segments, or one, as a customer list for an ad
    platform (hashed contacts) or, with ``email_tool`` (the operator allows it), an e-mail
    tool (raw e-mails). Without it the e-mail tool is not offered (and refused if asked for).

    Option values are ``run:platform:segment`` (segment empty: all)."""
    targets = [("", "All segments"), *((str(s.id), s.name) for s in segments)]
    groups = [
        {
            "label": {"type": "plain_text", "text": label},
            "options": [
                {
                    "text": {"type": "plain_text", "text": clip(name, 75)},
                    "value": f"{run_id}:{key}:{sid}",
                }
                for sid, name in targets
            ],
        }
        for key, label in AUDIENCES.items()
        if key != "email" or email_tool
    ]
    return {
        "type": "static_select",
        "action_id": AUDIENCE_ACTION,
        "placeholder": {"type": "plain_text", "text": "Export audience"},
        "option_groups": groups,
    }
