"""Turn what a driver raised into one plain sentence naming what to fix.

Drivers' own texts appear only inside parentheses, scrubbed of the source's secret and cut
to their first line; everything else is written here. The original exception is logged for
the operator (scrubbed too) and never chained to the SourceError, so no traceback carries
a connection's details.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from sources.catalog import Source
from sources.errors import SourceError, scrub

log = logging.getLogger(__name__)

# The server's own limits end a session too: idle_in_transaction_session_timeout is set to
# the source's timeout, and a loaded server can reach it between two statements.
TIMEOUT_NAMES = (
    "QueryCanceled",
    "InterruptException",
    "TimeoutError",
    "QueryCanceledError",
    "IdleInTransactionSessionTimeout",
)
UNREACHABLE = (
    "connection refused", "could not translate host name", "timeout expired",
    "no route to host", "name or service not known", "network is unreachable",
    "could not connect", "connection timed out", "server closed the connection",
)  # fmt: skip
LOGIN = (
    "password authentication failed",
    "authentication failed",
    "invalid password",
    "login failed",
)


def timed_out(source: Source, timeout_s: float) -> SourceError:
    unit = "second" if timeout_s == 1 else "seconds"
    return SourceError(
        f"Source '{source.name}' did not answer within {timeout_s:g} {unit}: narrow its "
        "query or table, or raise timeout_seconds in the sources file."
    )


def explain(error: BaseException, source: Source, *, timeout_s: float) -> SourceError:
    """The SourceError to show for ``error``, raised while reading ``source``: a sentence for
    the channel, and the operator's with where and why (``SourceError.operator``)."""
    if isinstance(error, SourceError):
        return error
    detail = scrub(_message(error), source.secrets)
    log.warning("source %s: %s: %s", source.name, type(error).__name__, detail)
    name, text = type(error).__name__, detail.lower()
    if name in TIMEOUT_NAMES or "statement timeout" in text or "interrupted" in text:
        return timed_out(source, timeout_s)
    found = _database_sentences(error, source, detail, text) if source.kind == "database" else None
    if found is None:
        found = (
            f"Source '{source.name}' could not be read ({name}): ask the bot's operator to "
            f"check its settings ({CHECK}).",
            f"Source '{source.name}' could not be read ({name}: {detail}): "
            "check its settings in the sources file.",
        )
    return SourceError(found[0], operator=found[1])


CHECK = "`segbot sources FILE --check` shows why"
Sentences = tuple[str, str]  # (for the channel, for the operator)


def _database_sentences(
    error: BaseException, source: Source, detail: str, text: str
) -> Sentences | None:
    parts = urlsplit(source.url)
    where = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    user = parts.username or "the default user"
    variable = source.password.env if source.password else None
    named = f"source '{source.name}'"
    if any(words in text for words in LOGIN):
        fix = f"check the password in {variable}" if variable else "set password_env"
        return (
            f"The database of {named} refused the bot's login: ask the bot's operator to {fix}.",
            f"The database of {named} refused the login of {user}: {fix} in the sources file.",
        )
    if "no password supplied" in text or "password is required" in text:
        return (
            f"The database of {named} wants a password: ask the bot's operator to name the "
            "variable holding it with password_env.",
            f"The database of {named} wants a password for {user}: "
            "name the variable holding it with password_env in the sources file.",
        )
    if "database" in text and "does not exist" in text:
        return (
            f"The database named for {named} does not exist on its server: ask the bot's "
            f"operator to check the source's url ({CHECK}).",
            f"The database named in the url of {named} does not exist on "
            f"{where} ({detail}): check the url in the sources file.",
        )
    if any(words in text for words in UNREACHABLE) or type(error).__name__ == "OperationalError":
        return (
            f"I couldn't reach the database of {named}: ask the bot's operator to check that "
            f"its server is up and lets the bot in ({CHECK}).",
            f"I couldn't reach the database of {named} at {where} ({detail}): "
            "check the host and port in the sources file and that the server is up and lets the bot in.",
        )
    return _query_sentences(error, source, detail, text)


def _query_sentences(
    error: BaseException, source: Source, detail: str, text: str
) -> Sentences | None:
    name, named = type(error).__name__, f"source '{source.name}'"
    missing = name in ("TableNotFound", "UndefinedTable") or (
        "does not exist" in text and ("relation" in text or "table" in text)
    )
    if missing and source.table:
        return (
            f"The database of {named} has no such table: ask the bot's operator to check the "
            f"source's table ({CHECK}).",
            f"The database of {named} has no table {source.table}: "
            "check table in the sources file (schema.table).",
        )
    cases = (  # the first that applies: (whether, what is wrong, the fix)
        (missing, "The query of {} reads a table the database does not have", "check the query"),
        (
            name == "InsufficientPrivilege" or "permission denied" in text,
            "The database user of {} may not read its data",
            "grant it SELECT on the table",
        ),
        (
            name in ("InvalidDatetimeFormat", "InvalidTextRepresentation", "DatetimeFieldOverflow"),
            "{} has values its database cannot read as dates or numbers",
            "cast them in the query, or map other columns",
        ),
        (
            name in ("ParseError", "SyntaxError", "UndefinedColumn", "UndefinedFunction"),
            "The database refused the query of {}",
            "fix the query",
        ),
    )
    found = next(((what, fix) for applies, what, fix in cases if applies), None)
    if found is None:
        return None
    what, fix = found
    what = what.format(named)
    what = what[0].upper() + what[1:]
    return (
        f"{what}: ask the bot's operator to {fix} ({CHECK}).",
        f"{what} ({detail}): {fix} in the sources file.",
    )


def _message(error: BaseException) -> str:
    text = str(error).strip()
    # libpq: 'connection to server at "h", port 5432 failed: FATAL:  database "x" does not
    # exist': the words after the last "failed:" and "FATAL:" say what is wrong.
    first, *_ = text.splitlines() or [""]
    reason = first.rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip()
    return reason or type(error).__name__
