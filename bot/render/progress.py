"""What the status message in an upload's thread says while a job moves along."""

from __future__ import annotations

from bot.render.blocks import clip, echo, escape
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
    ``describe``, quoting what the user sent) is escaped here, where it is shown."""
    return clip(f"I couldn't segment `{echo(name)}`: {escape(message)}")
