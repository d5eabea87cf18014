"""Answers to ``/segment source``, ``source use NAME`` and ``source off`` (pure mrkdwn text;
``source_gone_text`` is ``workflows.bindings``'s, re-exported).

A source is shown by its name and its description, which the sources file keeps free of
secrets (``sources.Source.description``); both are the operator's text, escaped here.
"""

from __future__ import annotations

from bot.render.blocks import clip, echo, escape
from sources import Source
from workflows.bindings import source_gone_text

MAX_DESCRIPTION = 200
__all__ = ["source_gone_text", "source_off_text", "source_used_text", "sources_text"]
OPERATOR = "the bot's operator names them in its sources file (`SEGBOT_SOURCES`)"


def _line(source: Source, used: bool) -> str:
    where = escape(clip(source.description, MAX_DESCRIPTION))
    return f"• `{echo(source.name)}`: {where}" + (" *(in use here)*" if used else "")


def sources_text(available: list[Source], used: str | None, *, usable: bool = True) -> str:
    """The sources this channel may use (``available``) and the one it reads (``used``, a
    name; ``usable`` False when the sources file no longer gives it to the channel)."""
    lines = []
    if available:
        lines.append("*Sources this channel may use*")
        lines += [_line(s, s.name == used) for s in available]
    else:
        lines.append(
            f"No source is given to this channel: {OPERATOR}, with the channels each serves."
        )
    if used is not None and not usable:
        lines.append(
            f"This channel is set to read `{echo(used)}`, which the sources file no longer gives "
            "it: ask the bot's operator, or `/segment source off` to segment the exports shared here."
        )
    elif used is not None:
        lines.append(
            f"This channel reads `{echo(used)}`: `/segment run` and every scheduled digest query it "
            "again. `/segment source off` goes back to the exports shared here."
        )
    elif available:
        lines.append(
            "This channel uses no source: it segments the exports shared here. "
            "`/segment source use NAME` reads one instead."
        )
    return clip("\n".join(lines))


def source_used_text(source: Source) -> str:
    """The channel now reads ``source``."""
    return (
        f"This channel now reads `{echo(source.name)}` "
        f"({escape(clip(source.description, MAX_DESCRIPTION))}). `/segment run` segments it now; "
        "every scheduled digest queries it again, with recency measured to the digest's date."
    )


def source_off_text(was: str | None, *, has_uploads: bool) -> str:
    """The channel stopped reading source ``was`` (None: it read none)."""
    then = (
        "`/segment run` segments the latest export shared here again."
        if has_uploads
        else "Share an export here (CSV, XLSX, Parquet…) to segment it."
    )
    if was is None:
        return f"This channel reads no source: it segments the exports shared here. {then}"
    return f"This channel no longer reads `{echo(was)}`. {then}"


def upload_beside_source_text(source: str, file_name: str) -> str:
    """An export shared in a channel that reads a source: its results are its own, and the
    channel goes on reading the source. ``source`` was a valid name when stored."""
    return (
        f"These results are of `{echo(file_name)}` alone. This channel reads source `{source}`: "
        f"`/segment run` and the weekly digest go on reading `{source}`; "
        "`/segment source off` segments the exports shared here instead."
    )
