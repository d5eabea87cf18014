"""What the status message in an upload's thread says while a job moves along."""

from __future__ import annotations

from bot.render.blocks import MAX_TEXT, echo, escape
from segmentation.formatting import size_label

STAGES = {
    "queued": "Waiting for a free worker",
    "reading": "Reading",
    "cleaning": "Cleaning",
    "clustering": "Finding segments in",
    "charts": "Drawing charts for",
    "done": "Done with",
}


def progress_text(name: str, size: int | None, stage: str, *, position: int = 0) -> str:
    """ "Reading `orders.csv` (45 MB)…", or the queue position while waiting."""
    sized = f" ({size_label(size)})" if size else ""
    name = echo(name)
    if stage == "queued":
        ahead = "1 job is" if position == 1 else f"{position} jobs are"
        return (
            f"Queued `{name}`{sized}: {ahead} ahead of it. I'll start as soon as a worker is free."
        )
    if stage == "done":
        return f"Done with `{name}`{sized}: results below."
    return f"{STAGES.get(stage, stage.capitalize())} `{name}`{sized}…"


def failure_text(name: str, message: str) -> str:
    """What to tell the thread when a file could not be segmented; ``message`` (from
    ``describe``, quoting what the user sent) is escaped here, where it is shown, and cut
    so the whole fits a section."""
    head = f"I couldn't segment `{echo(name)}`: "
    return head + escape(message, limit=MAX_TEXT - len(head))


def interrupted_text(name: str, kind: str) -> str:
    """The thread of a job the bot was stopped (restart, crash, kill) in the middle of."""
    again = (
        "Share the file again to segment it."
        if kind == "upload"
        else "Ask again with `/segment run` (or the Re-run menu)."
    )
    return (
        f"I was stopped (a restart or a crash) before I finished `{echo(name)}`, so there are no "
        f"results for it and nothing half-done was kept. {again}"
    )


def nothing_stored_text(name: str) -> str:
    """An *Add* or *Replace* job stopped before it stored anything (asked again after it)."""
    return (
        f"I was stopped (a restart or a crash) before I finished `{echo(name)}`: nothing of it "
        "was stored."
    )


def kept_unsegmented_text(name: str, current: str) -> str:
    """A job stopped after it stored its data but before its results were recorded."""
    return (
        f"I was stopped (a restart or a crash) after I stored `{echo(name)}` but before its "
        f"results were ready: this channel's data are `{echo(current)}` now, with no results "
        "for them yet. `/segment run` segments them."
    )


def disk_full_text(name: str) -> str:
    """A job that failed because the bot's disk (or database) had no room left."""
    return (
        f"there is no room left on my disk to store `{name}`, so nothing of it was kept. "
        "Ask whoever runs segbot to free some space, then share the file again."
    )


def results_missing_text(name: str, reason: str) -> str:
    """The results of ``name`` are stored but Slack would not take the message showing them."""
    return (
        f"I finished `{echo(name)}`, but Slack would not take the results message ({reason}). "
        "They are saved: `/segment show` shows them here."
    )


def charts_missing_text(names: list[str], reason: str) -> str:
    """The summary is posted but the chart upload failed (after the client's retries)."""
    listed = ", ".join(f"`{echo(n)}`" for n in names)
    return (
        f"The results above are complete, but Slack would not take the charts ({listed}): "
        f"{reason}. Re-run with `/segment run` to get them."
    )
