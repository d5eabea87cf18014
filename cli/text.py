"""The plain-text summary of a run, for the terminal (what `segment` and `show` print)."""

from __future__ import annotations

from segmentation.formatting import money, number
from segmentation.offers import products_line
from segmentation.summary import RunSummary, Segment
from segmentation.wording import (
    facts_line,
    prediction_sentence,
    spend_sentence,
    stability_sentence,
)

NAME_WIDTH = 58  # the segment column; longer names are cut so the numbers stay aligned


def text_summary(summary: RunSummary) -> str:
    """Audit, k and why, a table of segments (medians per customer) and their strategies."""
    dropped = ", ".join(f"{n:,} {reason}" for reason, n in summary.dropped.items()) or "none"
    lines = [
        f"Read {summary.rows_read:,} rows, kept {summary.rows_kept:,} (dropped: {dropped}).",
        f"{summary.customers:,} customers; {summary.cancellations:,} cancelled invoices, "
        f"{summary.duplicate_lines:,} duplicate lines (kept).",
        spend_sentence(summary),
        f"Recency measured to {summary.as_of.isoformat()}.",
        *summary.notes,
        "",
        summary.k_reason,
        stability_sentence(summary),
        *([summary.lifecycle.describe()] if summary.lifecycle else []),
        prediction_sentence(summary),
        "",
        f"{'Segment':<{NAME_WIDTH}} {'Customers':>10} {'Share':>6} {'Revenue':>8} "
        f"{'Recency':>8} {'Freq':>5} {'Avg spend':>10} {'Total':>10}",
        *(_segment_row(s, summary.currency) for s in summary.segments),
        "(medians per customer)",
    ]
    for s in summary.segments:
        facts = [f"  {facts_line(s.facts, summary)}"] if s.facts else []
        facts += [f"  {line}" for line in [products_line(s.products)] if line]
        lines += ["", f"{s.name}:", *facts, *(f"  • {text}" for text in s.strategies)]
    return "\n".join(lines)


def _segment_row(s: Segment, currency: str | None) -> str:
    m = s.median
    return (
        f"{s.name[:NAME_WIDTH]:<{NAME_WIDTH}} {s.customers:>10,} {s.share:>6.0%} "
        f"{s.revenue_share:>8.0%} {m.recency_days:>7.0f}d {number(m.frequency):>5} "
        f"{money(m.average_spend, currency):>10} {money(m.total_spend, currency):>10}"
    )
