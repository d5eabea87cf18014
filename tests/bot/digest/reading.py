"""Reading a posted digest the way a person does: its words, and each sentence in it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def words(message: dict) -> str:
    """The notification text and every text of the message's blocks, one per line."""
    return "\n".join([message.get("text", ""), *_texts(message.get("blocks") or [])])


def sentences(message: dict) -> list[str]:
    """Every sentence of the text and blocks: lines split at sentence ends, bullets and
    emphasis dropped."""
    found = []
    for line in words(message).splitlines():
        for sentence in SENTENCE_END.split(line.strip().removeprefix("• ")):
            if sentence := sentence.strip("* "):
                found.append(sentence)
    return found


def repeated(message: dict) -> list[str]:
    """Sentences said more than once in the message (text and blocks together)."""
    return [s for s, n in Counter(sentences(message)).items() if n > 1]


def _texts(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        text = node.get("text")
        if isinstance(text, str):
            yield text
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)
