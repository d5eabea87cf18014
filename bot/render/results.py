"""The results message: audit, k and why, one section per segment with strategies, controls.

Shared by the upload reply, ``/segment show`` and re-runs. At most 50 blocks: ten segments
take 30, the header, audit, k, notes and controls five more.
"""

from __future__ import annotations

from bot.render.blocks import actions, bullets, button, clip, context, divider, header, section
from bot.render.schedule import schedule_button
from segmentation.formatting import count, money
from segmentation.model import K_RANGE
from segmentation.summary import RunSummary, Segment

EXPORT_ACTION = "export_csv"
RERUN_ACTION = "rerun_k"
MAX_SEGMENTS = 10


def audit_line(summary: RunSummary) -> str:
    """Rows read/kept and why rows were dropped."""
    why = ", ".join(f"{n:,} {reason}" for reason, n in summary.dropped.items() if n) or "none"
    return (
        f"Read {summary.rows_read:,} rows, kept {summary.rows_kept:,} (dropped: {why}). "
        f"{summary.customers:,} customers, total spend {money(summary.total_spend)}; "
        f"recency measured to {summary.as_of.isoformat()}."
    )


def segment_fields(segment: Segment) -> list[str]:
    """Size, share, revenue share and medians of one segment, as section fields."""
    m = segment.median
    return [
        f"*Customers*\n{segment.customers:,} ({segment.share:.0%})",
        f"*Revenue share*\n{segment.revenue_share:.0%}",
        f"*Median recency*\n{m.recency_days:,.0f} days",
        f"*Median frequency*\n{count(round(m.frequency), 'order')}",
        f"*Median average spend*\n{money(m.average_spend)}",
        f"*Median total spend*\n{money(m.total_spend)}",
    ]


def results_text(summary: RunSummary, *, title: str = "Customer segments") -> str:
    """The plain-text fallback (and notification text) of the results."""
    lines = [f"{title}: {summary.k} segments.", audit_line(summary), summary.k_reason]
    lines += [
        f"• {s.name}: {s.customers:,} customers ({s.share:.0%}), {s.revenue_share:.0%} of revenue"
        for s in summary.segments
    ]
    return "\n".join(lines)


def results_blocks(
    summary: RunSummary, *, run_id: int, title: str = "Customer segments"
) -> list[dict]:
    """Header, audit, k and why, one section per segment with strategies, and the controls."""
    blocks: list[dict] = [
        header(title),
        section(audit_line(summary)),
        section(f"*{summary.k} segments.* {summary.k_reason}"),
    ]
    if summary.notes:
        blocks.append(context(clip(" ".join(summary.notes))))
    for s in summary.segments[:MAX_SEGMENTS]:
        blocks += [divider(), section(f"*{s.name}*", segment_fields(s))]
        if s.strategies:
            blocks.append(section(bullets(list(s.strategies))))
    blocks.append(controls_block(run_id))
    return blocks


def controls_block(run_id: int) -> dict:
    """**Export CSV**, **Re-run with k =** (the k range) and **Schedule weekly digest**."""
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
    return actions(f"controls-{run_id}", [export, rerun, schedule_button(run_id)])
