"""Plain-text summary of a segmentation result, for the terminal."""

from __future__ import annotations

from segmentation.result import SegmentationResult


def money(value: float) -> str:
    """1234.5 -> '1,234.50'."""
    return f"{value:,.2f}"


def text_summary(result: SegmentationResult) -> str:
    """Audit, k and why, a table of segments and their strategies."""
    a = result.audit
    dropped = ", ".join(f"{n:,} {reason}" for reason, n in a.dropped.items()) or "none"
    lines = [
        f"Read {a.rows_read:,} rows, kept {a.rows_kept:,} (dropped: {dropped}).",
        f"{a.customers:,} customers, total spend {money(a.total_spend)}; "
        f"{a.cancellations:,} cancelled invoices, {a.duplicate_lines:,} duplicate lines (kept).",
        f"Recency measured to {result.as_of.isoformat()}.",
        *result.notes,
        "",
        result.k_reason,
        f"Stability: {result.stability:.2f} (1.0 = the same segments every time).",
        "",
        f"{'Segment':<58} {'Customers':>10} {'Share':>6} {'Revenue':>8} "
        f"{'Recency':>8} {'Freq':>5} {'Avg spend':>10} {'Total':>10}",
    ]
    for s in result.segments:
        m = s.median
        lines.append(
            f"{s.name[:58]:<58} {s.customers:>10,} {s.share:>6.0%} {s.revenue_share:>8.0%} "
            f"{m['recency_days']:>7.0f}d {m['frequency']:>5.0f} {money(m['average_spend']):>10} "
            f"{money(m['total_spend']):>10}"
        )
    lines.append("(medians per customer)")
    for s in result.segments:
        lines += ["", f"{s.name}:"] + [f"  • {text}" for text in s.strategies]
    return "\n".join(lines)
