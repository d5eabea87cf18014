"""The sources an operator defined, as frozen values (built by ``sources.config``).

A ``Source`` says where the transactions are (a database or warehouse URL with a table or a
query, or files DuckDB can read), how its columns map to segbot's fields, which channels may
use it and how long a query may take. Its ``description`` is safe to show in Slack; the
password sits in a ``Secret`` that never prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from segmentation.errors import quoted
from sources.errors import SourceError

DEFAULT_TIMEOUT_S = 120.0


class Secret:
    """A password taken from the environment: ``reveal()`` gives it to a driver; ``str``,
    ``repr`` and equality never show or compare the value itself."""

    __slots__ = ("env", "_value")

    def __init__(self, env: str, value: str) -> None:
        self.env = env
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret(from ${self.env})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other.env == self.env

    def __hash__(self) -> int:
        return hash(self.env)


@dataclass(frozen=True, kw_only=True)
class Source:
    """One named source.

    ``kind`` is "database" (``url`` of any ibis backend, with ``table`` or ``query``) or
    "files" (``path``: a Parquet/CSV file, folder or glob; or an http(s) ``url`` on one of
    ``allowed_hosts``). ``columns`` maps segbot fields (customer, invoice, date, product,
    quantity, price, amount, country) to the source's columns; fields left out are guessed
    from the column names. ``channels`` may use it (empty: every channel).
    """

    name: str
    kind: Literal["database", "files"]
    description: str
    channels: tuple[str, ...] = ()
    url: str | None = None  # never holds the password
    password: Secret | None = field(default=None, repr=False, compare=False)
    table: str | None = None
    query: str | None = None
    path: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    timeout_s: float = DEFAULT_TIMEOUT_S

    def allowed_in(self, channel_id: str) -> bool:
        return not self.channels or channel_id in self.channels

    @property
    def secrets(self) -> tuple[str, ...]:
        """Texts no message may contain: the password; and a files url's query and each of its
        values (a pre-signed url's signature, key id, token…), the longest first."""
        found = [self.password.reveal()] if self.password else []
        if self.kind == "files" and self.url:
            query = urlsplit(self.url).query
            raw = [part.partition("=")[2] for part in query.split("&")]  # as sent, and decoded
            decoded = [v for _, v in parse_qsl(query, keep_blank_values=True)]
            values = [v for v in {*raw, *decoded} if len(v) >= 4]
            found += [self.url, query, *sorted(values, key=len, reverse=True)]
        return tuple(s for s in found if s)


@dataclass(frozen=True)
class Catalog:
    """Every source of the sources file, in the file's order."""

    sources: tuple[Source, ...] = ()

    def get(self, name: str) -> Source | None:
        wanted = name.strip().lower()
        return next((s for s in self.sources if s.name.lower() == wanted), None)

    def for_channel(self, channel_id: str) -> list[Source]:
        """The sources ``channel_id`` may use."""
        return [s for s in self.sources if s.allowed_in(channel_id)]

    def require(self, name: str, channel_id: str | None = None) -> Source:
        """The source called ``name`` that ``channel_id`` may use (any channel when None);
        SourceError naming the choices otherwise."""
        source = self.get(name)
        allowed = self.sources if channel_id is None else self.for_channel(channel_id)
        choices = ", ".join(s.name for s in allowed)
        if source is None:
            raise SourceError(
                f"There is no source called '{quoted(name)}': "
                + (f"use one of {choices}." if choices else "ask the bot's operator to add it.")
            )
        if channel_id is not None and not source.allowed_in(channel_id):
            raise SourceError(
                f"Source '{source.name}' is not given to this channel: "
                + (f"use one of {choices}, or " if choices else "")
                + "ask the bot's operator to add this channel to its channels."
            )
        return source
