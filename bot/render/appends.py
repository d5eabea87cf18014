"""The add/replace question asked when a new export is shared in a channel that has data: the
suggested answer first (primary button) and named in the text, with the one-sentence reason."""

from __future__ import annotations

from bot.render.blocks import actions, button, context, echo, section
from segmentation.formatting import utc_label
from workflows.appending import Overlap, Span
from workflows.appends import AlreadyStored

ADD_ACTION = "append_add"
REPLACE_ACTION = "append_replace"
LABELS = {"add": "Add", "replace": "Replace"}


def span_label(span: Span) -> str:
    """ "3 Jan – 28 Feb 2012", "1 Dec 2010 – 9 Dec 2011" or "9 Dec 2011" for one day."""
    first, last = span.first.date(), span.last.date()
    if first == last:
        return f"{last.day} {last:%b %Y}"
    start = f"{first.day} {first:%b}" if first.year == last.year else f"{first.day} {first:%b %Y}"
    return f"{start} – {last.day} {last:%b %Y}"


def reason(overlap: Overlap) -> str:
    """Why the suggested answer, in one sentence true for the data."""
    if overlap.kind == "columns":
        field, new, stored = overlap.columns[0]
        if new and stored:
            differ = f"{field} is `{echo(new)}` in it but `{echo(stored)}` in yours"
        elif new:
            differ = f"it has {field} (`{echo(new)}`) and yours has none"
        else:
            differ = f"yours has {field} (`{echo(stored)}`) and it has none"
        more = len(overlap.columns) - 1
        return f"Its columns differ from yours: {differ}" + (f", and {more} more." if more else ".")
    if overlap.new is None or overlap.stored is None:
        return "Same columns, but I found no dated lines with a customer to compare."
    new, stored = span_label(overlap.new), span_label(overlap.stored)
    return {
        "continues": f"Same columns, and its dates ({new}) continue yours ({stored}).",
        "overlaps": f"Same columns, and its dates ({new}) overlap yours ({stored}) only in part.",
        "within": f"Same columns, but its dates ({new}) lie within yours ({stored}).",
        "covers": f"Same columns, but its dates ({new}) cover all of yours ({stored}).",
        "earlier": f"Same columns, but its dates ({new}) end before yours begin ({stored}).",
    }[overlap.kind]


def append_text(
    file_name: str, lines: int, stored_name: str, stored_lines: int, overlap: Overlap
) -> str:
    """The question: add to the stored data or replace it, the suggestion and its reason."""
    return (
        f"This channel already has data (`{echo(stored_name)}`, {stored_lines:,} lines). Add the "
        f"{lines:,} lines of `{echo(file_name)}` to it, or replace it? I suggest "
        f"*{LABELS[overlap.suggested]}*. {reason(overlap)}"
    )


def append_blocks(
    append_id: int,
    file_name: str,
    lines: int,
    stored_name: str,
    stored_lines: int,
    overlap: Overlap,
) -> list[dict]:
    """The question, then *Add* and *Replace* with the suggested one first and primary."""
    order = ("add", "replace") if overlap.suggested == "add" else ("replace", "add")
    buttons = []
    for choice in order:
        b = button(
            ADD_ACTION if choice == "add" else REPLACE_ACTION, LABELS[choice], str(append_id)
        )
        if choice == overlap.suggested:
            b["style"] = "primary"
        buttons.append(b)
    return [
        section(append_text(file_name, lines, stored_name, stored_lines, overlap)),
        context(
            "Add: lines equal to a stored line in every column are not counted twice. "
            "Nothing is segmented and the stored data stays as it is until someone chooses."
        ),
        actions(f"append-{append_id}", buttons),
    ]


def waiting_text(file_name: str) -> str:
    """The upload's status message while the question waits."""
    return f"Read `{echo(file_name)}`: add it to this channel's data or replace it? Choose below."


def decided_text(user_id: str, choice: str, file_name: str, stored_name: str) -> str:
    """What replaces the question once someone answers it."""
    if choice == "add":
        return (
            f"<@{user_id}> chose *Add*: segmenting `{echo(stored_name)}` with the new lines of "
            f"`{echo(file_name)}` added."
        )
    return (
        f"<@{user_id}> chose *Replace*: segmenting `{echo(file_name)}` alone; it becomes this "
        "channel's data."
    )


def already_text(choice: str, user_id: str | None, file_name: str, *, stored: bool) -> str:
    """The plain answer to a click on a question someone already answered: done (``stored``),
    or still being done."""
    who = f" by <@{user_id}>" if user_id else ""
    if not stored:
        doing = "added to this channel's data" if choice == "add" else "stored in place of its data"
        return (
            f"`{echo(file_name)}` is being {doing} (chosen{who}): its results will come in its "
            "thread."
        )
    done = "added to this channel's data" if choice == "add" else "chosen to replace its data"
    return f"`{echo(file_name)}` was already {done}{who}: nothing more to do."


def reopened_text(choice: str, user_id: str | None, file_name: str, stored_name: str) -> str:
    """A question answered before the bot was stopped, with nothing of the answer stored."""
    who = f"<@{user_id}>'s" if user_id else "the"
    return (
        f"I was stopped (a restart or a crash) before I acted on {who} *{LABELS[choice]}* for "
        f"`{echo(file_name)}`: nothing of it was stored, and this channel's data are still "
        f"`{echo(stored_name)}`. Choose again:"
    )


def reopened_blocks(append_id: int, text: str) -> list[dict]:
    """``reopened_text`` with *Add* and *Replace* again."""
    buttons = [
        button(ADD_ACTION, LABELS["add"], str(append_id)),
        button(REPLACE_ACTION, LABELS["replace"], str(append_id)),
    ]
    return [section(text), actions(f"append-{append_id}-again", buttons)]


def already_stored_text(known: AlreadyStored) -> str:
    """A file whose bytes the channel stored before: nothing changed, and what the data are."""
    where = "a file added to" if known.added else "the file stored here as"
    shared = (
        f"`{echo(known.file_name)}` has the same contents as {where} `{echo(known.stored_as)}` "
        f"on {utc_label(known.stored_at)}"
    )
    now = f"`{echo(known.current)}`"
    return (
        f"{shared}, so nothing changed: this channel's data are {now}. "
        "`/segment show` shows its latest results; `/segment run` segments it again."
    )
