"""Block Kit primitives with Slack's limits kept: section text under 3,000 characters, at most
10 fields per section, header text at most 150 characters.

``escape`` is the bot's one way to put user-supplied text (file names, column names, ids,
command text, messages quoting them) into mrkdwn: ``&``, ``<`` and ``>`` are escaped as Slack
asks, so a header such as ``<!channel>`` or ``<https://evil.example|Re-upload>`` is shown, never
acted on. Backticks and asterisks are left alone: the bot's own formatting still works.
``literal`` escapes text that holds no formatting of the bot's (a product's name, a sentence
naming one) and also swaps mrkdwn's formatting characters for look-alikes, so a product called
``*FREE* _gift_`` reads as typed, never bold or italic.

Text is escaped once, where it is put into a message: ``echo`` for a user string a renderer
quotes; an error's message is plain text (it quotes user strings with ``bot.errors.quote``,
cut but not escaped) and is escaped whole where it is shown (``error_text``)."""

from __future__ import annotations

from bot.errors import MAX_QUOTE, describe, quote

MAX_TEXT = 2900  # below Slack's 3,000-character section limit
MAX_FIELDS = 10
MAX_HEADER = 150
MAX_ECHO = MAX_QUOTE
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Slack's mrkdwn has no escape for its formatting characters: each is swapped for a character
# that looks the same and formats nothing (the backtick's as ``segmentation.errors.quoted``'s).
_LOOKALIKES = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_ESCAPES = str.maketrans(_ENTITIES)
_LITERAL = str.maketrans(_ENTITIES | _LOOKALIKES)


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str, limit: int | None = None) -> str:
    """``text`` with ``&``, ``<`` and ``>`` escaped for mrkdwn (shown as typed, never a link
    or mention). Escape once, where the text is put into a message. With ``limit``, the escaped
    text is cut to at most that many characters, never inside an entity, ending in "…"."""
    return _escaped(text, limit, _ESCAPES)


def literal(text: str, limit: int | None = None) -> str:
    """``escape`` for text with no formatting of the bot's in it: also ``*``, ``_``, ``~`` and
    backticks become look-alikes, so nothing in it is bold, italic, struck or code."""
    return _escaped(text, limit, _LITERAL)


def _escaped(text: str, limit: int | None, table: dict[int, str]) -> str:
    escaped = str(text).translate(table)
    if limit is None or len(escaped) <= limit:
        return escaped
    kept, size = [], 0
    for char in str(text):
        piece = char.translate(table)
        if size + len(piece) > limit - 1:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept) + "…"


def echo(text: object, limit: int = MAX_ECHO) -> str:
    """A user-supplied string quoted back into mrkdwn: ``bot.errors.quote``, then ``escape``."""
    return escape(quote(text, limit))


def error_text(error: BaseException, *, context: str = "") -> str:
    """``bot.errors.describe``'s text as mrkdwn: escaped here, once, and cut to fit a section."""
    return escape(describe(error, context=context), limit=MAX_TEXT)


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER)}}


def section(text: str, fields: list[str] | None = None) -> dict:
    """A mrkdwn section, with up to ten mrkdwn fields."""
    block: dict = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}
    if fields:
        block["fields"] = [{"type": "mrkdwn", "text": clip(f)} for f in fields[:MAX_FIELDS]]
    return block


def context(text: str) -> dict:
    """A small grey line of mrkdwn."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text)}]}


def divider() -> dict:
    return {"type": "divider"}


def button(action_id: str, text: str, value: str) -> dict:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        "value": value,
    }


def actions(block_id: str, elements: list[dict]) -> dict:
    return {"type": "actions", "block_id": block_id, "elements": elements}


def bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


# Modal parts (the schedule and campaign forms) ---------------------------------------------


def option(text: str, value: str) -> dict:
    """A select's option (Slack cuts option text at 75 characters)."""
    return {"text": {"type": "plain_text", "text": clip(text, 75)}, "value": value}


def static_select(action_id: str, options: list[dict], initial: str) -> dict:
    """A select with ``initial`` chosen (the first option when ``initial`` is not one)."""
    chosen = next((o for o in options if o["value"] == initial), options[0])
    return {
        "type": "static_select", "action_id": action_id, "options": options,
        "initial_option": chosen,
    }  # fmt: skip


def input_block(block_id: str, label: str, element: dict, hint: str | None = None) -> dict:
    """A modal input whose element's action id is its block id (``view_values`` reads it)."""
    block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def view_values(view: dict, block_ids: tuple[str, ...]) -> dict[str, str | None]:
    """What a submitted modal holds for each input block, as a string (None when empty):
    a select's value, a time picker's time or the text typed."""
    values = view.get("state", {}).get("values", {})

    def read(block_id: str) -> str | None:
        state = values.get(block_id, {}).get(block_id) or {}
        chosen = state.get("selected_option") or {}
        return chosen.get("value") or state.get("selected_time") or state.get("value") or None

    return {block_id: read(block_id) for block_id in block_ids}
