"""The plain-text summary of a run, for the terminal (what `segment` and `show` print)."""

from __future__ import annotations

from segmentation.formatting import money
from segmentation.summary import RunSummary, Segment

NAME_WIDTH = 58  # the segment column; longer names are cut so the numbers stay aligned


def text_summary(summary: RunSummary) -> str:
    """Audit, k and why, a table of segments (medians per customer) and their strategies."""
    dropped = ", ".join(f"{n:,} {reason}" for reason, n in summary.dropped.items()) or "none"
    stability = "n/a" if summary.stability is None else f"{summary.stability:.2f}"
    lines = [
        f"Read {summary.rows_read:,} rows, kept {summary.rows_kept:,} (dropped: {dropped}).",
        f"{summary.customers:,} customers, total spend {money(summary.total_spend)}; "
        f"{summary.cancellations:,} cancelled invoices, "
        f"{summary.duplicate_lines:,} duplicate lines (kept).",
        f"Recency measured to {summary.as_of.isoformat()}.",
        *summary.notes,
        "",
        summary.k_reason,
        f"Stability: {stability} (1.0 = the same segments every time).",
        "",
        f"{'Segment':<{NAME_WIDTH}} {'Customers':>10} {'Share':>6} {'Revenue':>8} "
        f"{'Recency':>8} {'Freq':>5} {'Avg spend':>10} {'Total':>10}",
        *(_segment_row(s) for s in summary.segments),
        "(medians per customer)",
    ]
    for s in summary.segments:
        lines += ["", f"{s.name}:", *(f"  • {text}" for text in s.strategies)]
    return "\n".join(lines)


def _segment_row(s: Segment) -> str:
    m = s.median
    return (
        f"{s.name[:NAME_WIDTH]:<{NAME_WIDTH}} {s.customers:>10,} {s.share:>6.0%} "
        f"{s.revenue_share:>8.0%} {m.recency_days:>7.0f}d {m.frequency:>5.0f} "
        f"{money(m.average_spend):>10} {money(m.total_spend):>10}"
    )
