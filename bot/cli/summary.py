"""Plain-text summary of a segmentation result, for the terminal."""

from __future__ import annotations

from segmentation.result import SegmentationResult


def money(value: float) -> str:
    """1234.5 -> '1,234.50'."""
    return f"{value:,.2f}"


def text_summary(result: SegmentationResult) -> str:
    """Audit, k and why, a table of segments and their strategies."""
    return text_summary_from_dict(result.to_dict())


def text_summary_from_dict(d: dict) -> str:
    """The same summary from ``SegmentationResult.to_dict()`` (e.g. a stored run's summary)."""
    dropped = ", ".join(f"{n:,} {reason}" for reason, n in d["dropped"].items()) or "none"
    stability = d["stability"]
    lines = [
        f"Read {d['rows_read']:,} rows, kept {d['rows_kept']:,} (dropped: {dropped}).",
        f"{d['customers']:,} customers, total spend {money(d['total_spend'])}; "
        f"{d['cancellations']:,} cancelled invoices, {d['duplicate_lines']:,} duplicate lines (kept).",
        f"Recency measured to {d['as_of']}.",
        *d.get("notes", []),
        "",
        d["k_reason"],
        f"Stability: {'n/a' if stability is None else f'{stability:.2f}'} "
        "(1.0 = the same segments every time).",
        "",
        f"{'Segment':<58} {'Customers':>10} {'Share':>6} {'Revenue':>8} "
        f"{'Recency':>8} {'Freq':>5} {'Avg spend':>10} {'Total':>10}",
    ]
    for s in d["segments"]:
        m = s["median"]
        lines.append(
            f"{s['name'][:58]:<58} {s['customers']:>10,} {s['share']:>6.0%} "
            f"{s['revenue_share']:>8.0%} {m['recency_days']:>7.0f}d {m['frequency']:>5.0f} "
            f"{money(m['average_spend']):>10} {money(m['total_spend']):>10}"
        )
    lines.append("(medians per customer)")
    for s in d["segments"]:
        lines += ["", f"{s['name']}:"] + [f"  • {text}" for text in s["strategies"]]
    return "\n".join(lines)
