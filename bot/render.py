"""Pure Block Kit renderers: data in, ``(text, blocks)`` or text out. No Slack calls here.

Shared by the upload reply, ``/segment show`` and button answers. Slack's limits are kept:
at most 50 blocks, section text under 3,000 characters, at most 10 fields per section.
"""

from __future__ import annotations

from bot.commands import K_RANGE
from bot.digest.blocks import schedule_button

MAX_TEXT = 2900  # below Slack's 3,000-character section limit
STAGES = {
    "queued": "Waiting for a free worker",
    "downloading": "Downloading",
    "reading": "Reading",
    "cleaning": "Cleaning",
    "clustering": "Finding segments in",
    "charts": "Drawing charts for",
    "done": "Done with",
}
EXPORT_ACTION = "export_csv"
RERUN_ACTION = "rerun_k"


def size_label(size: int) -> str:
    """``45 MB``, ``812 KB``, ``93 bytes``."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:,.0f} MB"
    if size >= 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size} bytes"


def progress_text(name: str, size: int | None, stage: str, *, position: int = 0) -> str:
    """ "Reading `orders.csv` (45 MB)…", or the queue position while waiting."""
    sized = f" ({size_label(size)})" if size else ""
    if stage == "queued":
        ahead = "1 job is" if position == 1 else f"{position} jobs are"
        return (
            f"Queued `{name}`{sized}: {ahead} ahead of it. I'll start as soon as a worker is free."
        )
    return f"{STAGES.get(stage, stage.capitalize())} `{name}`{sized}…"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _section(text: str, fields: list[str] | None = None) -> dict:
    block: dict = {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text)}}
    if fields:
        block["fields"] = [{"type": "mrkdwn", "text": _clip(f)} for f in fields[:10]]
    return block


def _money(value: float) -> str:
    return f"{value:,.2f}"


def audit_line(summary: dict) -> str:
    """Rows read/kept and why rows were dropped."""
    dropped = summary.get("dropped") or {}
    why = ", ".join(f"{n:,} {reason}" for reason, n in dropped.items() if n) or "none"
    return (
        f"Read {summary['rows_read']:,} rows, kept {summary['rows_kept']:,} (dropped: {why}). "
        f"{summary['customers']:,} customers, total spend {_money(summary['total_spend'])}; "
        f"recency measured to {summary['as_of']}."
    )


def segment_fields(segment: dict) -> list[str]:
    """Size, share, revenue share and medians of one segment, as section fields."""
    m = segment["median"]
    orders = round(m["frequency"])
    return [
        f"*Customers*\n{segment['customers']:,} ({segment['share']:.0%})",
        f"*Revenue share*\n{segment['revenue_share']:.0%}",
        f"*Median recency*\n{m['recency_days']:,.0f} days",
        f"*Median frequency*\n{orders:,} {'order' if orders == 1 else 'orders'}",
        f"*Median average spend*\n{_money(m['average_spend'])}",
        f"*Median total spend*\n{_money(m['total_spend'])}",
    ]


def results_text(summary: dict, *, title: str = "Customer segments") -> str:
    """The plain-text fallback (and notification text) of the results."""
    lines = [f"{title}: {summary['k']} segments.", audit_line(summary), summary["k_reason"]]
    for s in summary["segments"]:
        lines.append(
            f"• {s['name']}: {s['customers']:,} customers ({s['share']:.0%}), "
            f"{s['revenue_share']:.0%} of revenue"
        )
    return "\n".join(lines)


def results_blocks(
    summary: dict, *, run_id: int | str, title: str = "Customer segments"
) -> list[dict]:
    """Header, audit, k and why, one section per segment with strategies, and the controls."""
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        _section(audit_line(summary)),
        _section(f"*{summary['k']} segments.* {summary['k_reason']}"),
    ]
    notes = summary.get("notes") or []
    if notes:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(" ".join(notes))}]}
        )
    for s in summary["segments"][:10]:
        blocks.append({"type": "divider"})
        blocks.append(_section(f"*{s['name']}*", segment_fields(s)))
        if s.get("strategies"):
            blocks.append(_section("\n".join(f"• {t}" for t in s["strategies"])))
    blocks.append(controls_block(run_id, summary["k"]))
    return blocks


def controls_block(run_id: int | str, k: int) -> dict:
    """**Export CSV** and **Re-run with k =** (2–10) for one run."""
    options = [
        {"text": {"type": "plain_text", "text": str(n)}, "value": f"{run_id}:{n}"} for n in K_RANGE
    ]
    return {
        "type": "actions",
        "block_id": f"controls-{run_id}",
        "elements": [
            {
                "type": "button",
                "action_id": EXPORT_ACTION,
                "text": {"type": "plain_text", "text": "Export CSV"},
                "value": str(run_id),
            },
            {
                "type": "static_select",
                "action_id": RERUN_ACTION,
                "placeholder": {"type": "plain_text", "text": "Re-run with k ="},
                "options": options,
            },
            schedule_button(run_id),
        ],
    }


HELP = """*`/segment`* works on the latest export shared in this channel:
• `/segment run [k=N] [as_of=YYYY-MM-DD]`: segment it again (k from 2 to 10), results posted here
• `/segment show`: the latest results again
• `/segment customer ID`: a customer's segment and how they compare with its medians
• `/segment export [all|SEGMENT]`: the segments as a CSV, sent to you
• `/segment history`: recent runs
• `/segment datasets`: exports this channel has shared
• `/segment schedule weekly <day> <HH:MM> [Area/City]`: a weekly digest of what changed, posted here
• `/segment schedule` shows it, `/segment schedule off` stops it, `/segment digest now` posts one now
• `/segment help`: this message
To start, share a CSV, TSV, TXT, XLSX, Parquet, GZ or ZIP export of your transactions in this channel."""


def help_text(unknown: str | None = None) -> str:
    """The help, preceded by what was not understood."""
    if unknown:
        return f"I don't know `{unknown[:100]}`.\n{HELP}"
    return HELP


NO_DATASET = (
    "This channel has no dataset yet. Share a transaction export (CSV, XLSX, Parquet…) in this "
    "channel and I'll segment it; then `/segment` commands work on it."
)


def history_text(runs: list[dict]) -> str:
    """Recent runs, newest first: when, dataset, k and segment sizes."""
    if not runs:
        return "No runs yet in this channel. Share an export, or try `/segment run`."
    lines = ["*Recent runs*"]
    for run in runs:
        sizes = ", ".join(f"{n:,}" for n in run.get("sizes") or [])
        status = run.get("status", "done")
        detail = f"k={run['k']}, sizes {sizes}" if status == "done" else status
        lines.append(f"• #{run['id']} {run['when']}: `{run['dataset']}`, {detail}")
    return _clip("\n".join(lines))


def datasets_text(datasets: list[dict]) -> str:
    """What this channel has uploaded, newest first."""
    if not datasets:
        return NO_DATASET
    lines = ["*Datasets shared in this channel*"]
    for d in datasets:
        lines.append(f"• `{d['name']}` ({d['rows']:,} rows), {d['when']}")
    return _clip("\n".join(lines))


def customer_text(customer_id: str, segment: dict, features: dict) -> str:
    """A customer's segment and their features next to the segment's medians."""
    m = segment["median"]
    rows = [
        ("Recency", f"{features['recency_days']:,.0f} days", f"{m['recency_days']:,.0f} days"),
        ("Orders", f"{features['frequency']:,.0f}", f"{m['frequency']:,.0f}"),
        ("Average spend", _money(features["average_spend"]), _money(m["average_spend"])),
        ("Total spend", _money(features["total_spend"]), _money(m["total_spend"])),
    ]
    lines = [f"Customer `{customer_id}` is in *{segment['name']}*.", "```"]
    lines += [f"{'':14} {'customer':>14} {'segment median':>16}"]
    lines += [f"{label:14} {mine:>14} {median:>16}" for label, mine, median in rows]
    lines.append("```")
    return "\n".join(lines)


def failure_text(name: str, message: str) -> str:
    """What to tell the thread when a file could not be segmented."""
    return f"I couldn't segment `{name}`: {message}"
