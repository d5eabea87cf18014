"""``/segment`` text parsed into a small typed request (pure; unit-tested).

``parse("run k=5 as_of=2011-12-01")`` → ``Run(k=5, as_of=date(2011, 12, 1))``. Unknown words
give ``Help(unknown=...)``; a malformed option raises ``UserError`` saying how to write it.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass

from bot.campaign_requests import CampaignCommand, parse_campaign
from bot.errors import GONE, UserError, quote
from bot.schedule_requests import DigestCommand, parse_digest, parse_schedule
from segmentation.choices import K_MAX, K_MIN, K_RANGE
from segmentation.currency import checked_code
from segmentation.errors import ExportError

SUBCOMMANDS = (
    "help", "run", "show", "customer", "export", "history", "datasets", "currency", "schedule",
    "digest", "map", "source", "campaign",
)  # fmt: skip
AUDIENCES = ("meta", "google", "email")


# As-of dates outside these are typing slips (0001-01-01, 9999-12-31); the pipeline also
# refuses one before the first purchase or years after the last.
AS_OF_FIRST, AS_OF_END = dt.date(1900, 1, 1), dt.date(2100, 1, 1)


@dataclass(frozen=True)
class Help:
    unknown: str | None = None


@dataclass(frozen=True)
class Run:
    k: int | None = None
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Show:
    pass


@dataclass(frozen=True)
class Customer:
    customer_id: str


@dataclass(frozen=True)
class Export:
    segment: str | None = None  # None: all segments; else a segment id or (part of) a name
    audience: str | None = None  # None: segbot's CSV; "meta", "google" or "email": a list


@dataclass(frozen=True)
class Map:
    """Which column holds each field: ``(("customer", "Client Ref"), ("date", "Day"))``."""

    columns: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class History:
    pass


@dataclass(frozen=True)
class Datasets:
    pass


@dataclass(frozen=True)
class ShowCurrency:
    pass


@dataclass(frozen=True)
class SetCurrency:
    code: str | None  # None: read the currency from each export again


@dataclass(frozen=True)
class ShowSources:
    """``source``: the sources this channel may use, and the one it uses."""


@dataclass(frozen=True)
class UseSource:
    """``source use NAME``: segment this channel from the source called ``name``."""

    name: str


@dataclass(frozen=True)
class SourceOff:
    """``source off``: back to the exports shared in the channel."""


Command = (
    Help | Run | Show | Customer | Export | History | Datasets | ShowCurrency | SetCurrency
    | DigestCommand | Map | ShowSources | UseSource | SourceOff | CampaignCommand
)  # fmt: skip


def parse(text: str) -> Command:
    """The request typed after ``/segment`` (any text is accepted; nothing is executed)."""
    words = text.split()
    if not words:
        return Help()
    verb, rest = words[0].lower(), words[1:]
    if verb == "help":
        return Help()
    if verb == "run":
        return _run(rest)
    if verb in ("show", "history", "datasets") and not rest:
        return {"show": Show, "history": History, "datasets": Datasets}[verb]()
    if verb == "customer":
        if len(rest) != 1:
            raise UserError("Give one customer id, e.g. `/segment customer 12347`.")
        return Customer(rest[0])
    if verb == "export":
        return _export(" ".join(rest).strip())
    if verb == "map":
        return parse_map(text.strip()[len(words[0]) :])
    if verb == "currency":
        return _currency(rest)
    if verb == "schedule":
        return parse_schedule(rest)
    if verb == "digest":
        return parse_digest(rest)
    if verb == "source":
        return _source(rest)
    if verb == "campaign":
        return parse_campaign(text.strip()[len(words[0]) :])
    return Help(unknown=text.strip())


def _export(target: str) -> Export:
    """``export [all|SEGMENT] [as meta|google|email]``."""
    audience = None
    found = re.fullmatch(r"(.*?)\s*\bas\s+(\S+)", target, flags=re.IGNORECASE)
    if found:
        target, audience = found.group(1).strip(), found.group(2).lower()
        if audience not in AUDIENCES:
            raise UserError(
                f"I can export audiences for `meta`, `google` or `email`, not `{quote(found.group(2))}`: "
                "e.g. `/segment export 2 as meta`."
            )
    return Export(None if target.lower() in ("", "all") else target, audience)


def parse_map(text: str) -> Map:
    """``customer="Client Ref" date=Day``: field=Column pairs, column names quoted if spaced."""
    usage = 'Write it as field=Column, e.g. `/segment map customer="Client Ref" date=Day`.'
    plain = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    try:
        words = shlex.split(plain)
    except ValueError:
        raise UserError(f"A quote is not closed in `{quote(text.strip())}`. {usage}") from None
    if not words:
        raise UserError(f"Tell me which column holds which field. {usage}")
    columns = []
    for word in words:
        field, sep, column = word.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise UserError(f"I don't understand `{quote(word)}`. {usage}")
        columns.append((field.strip().lower(), column.strip()))
    return Map(tuple(columns))


def _source(words: list[str]) -> ShowSources | UseSource | SourceOff:
    """``source``, ``source use NAME``, ``source off``."""
    action = words[0].lower() if words else ""
    if not words:
        return ShowSources()
    if action == "off" and len(words) == 1:
        return SourceOff()
    if action == "use" and len(words) == 2:
        return UseSource(words[1])
    if action == "use" and len(words) == 1:
        raise UserError(
            "Name the source, e.g. `/segment source use shop`; `/segment source` lists the "
            "ones this channel may use."
        )
    raise UserError(
        f"I don't understand `source {quote(' '.join(words), 60)}`. Write `/segment source`, "
        "`/segment source use NAME` or `/segment source off`."
    )


def _currency(words: list[str]) -> ShowCurrency | SetCurrency:
    if not words:
        return ShowCurrency()
    if len(words) != 1:
        raise UserError("Give one currency code, e.g. `/segment currency GBP` (or `auto`).")
    if words[0].lower() == "auto":
        return SetCurrency(None)
    try:
        return SetCurrency(checked_code(words[0]))
    except ExportError as e:
        raise UserError(str(e)) from None


def _run(options: list[str]) -> Run:
    k: int | None = None
    as_of: dt.date | None = None
    for option in options:
        name, sep, value = option.partition("=")
        name = name.lower().replace("-", "_")
        if not sep or name not in ("k", "as_of"):
            raise UserError(
                f"I don't understand `{quote(option)}`. Write `/segment run`, `/segment run k=4` "
                "or `/segment run k=4 as_of=2011-12-10`."
            )
        if name == "k":
            k = parse_k(value)
        else:
            try:
                as_of = dt.date.fromisoformat(value)
            except ValueError:
                raise UserError(
                    f"`as_of={quote(value, 20)}` is not a date: write it as YYYY-MM-DD, e.g. `as_of=2011-12-10`."
                ) from None
            if not AS_OF_FIRST <= as_of < AS_OF_END:
                raise UserError(
                    f"`as_of={quote(value, 20)}` is not a date your data can be measured to: choose one "
                    "between 1900 and 2099, near the purchases in the file (e.g. `as_of=2011-12-10`)."
                )
    return Run(k=k, as_of=as_of)


def parse_k(value: str) -> int:
    """A number of segments in ``K_RANGE``; UserError otherwise.

    Only ASCII digits: ``str.isdigit`` also accepts "²" (which ``int`` rejects) and "٤" (which
    ``int`` reads as 4), and a thousand-digit number would exceed ``int``'s string limit.
    """
    if not (value.isascii() and value.isdigit() and len(value) <= 3) or int(value) not in K_RANGE:
        raise UserError(
            f"`k={quote(value, 20)}` won't work: k is the number of segments, a whole number from {K_MIN} to {K_MAX}."
        )
    return int(value)


def parse_id(value: object) -> int:
    """A stored id carried by a button, a select or a form: ASCII digits only ("²".isdigit()
    is true, yet int() rejects it), at most 18 of them (SQLite's integers end at 19 digits);
    anything else is something this channel cannot have (``GONE``)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise UserError(GONE)
    return int(text)


MAX_FILE_NAME = 100


def file_name(value: object) -> str:
    """A shared file's name as the bot keeps and quotes it: at most MAX_FILE_NAME characters,
    a longer one cut in the middle so its extension (how it is read) stays."""
    name = str(value or "").strip() or "export"
    if len(name) <= MAX_FILE_NAME:
        return name
    stem, dot, extension = name.rpartition(".")
    tail = f".{extension}" if dot and stem and len(extension) <= 10 else ""
    return name[: MAX_FILE_NAME - 1 - len(tail)] + "…" + tail
