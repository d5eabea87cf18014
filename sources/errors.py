"""The two ways a source fails, each with one plain sentence naming what to fix.

``SourceConfigError``: the sources file is wrong; raised when the bot starts, so the operator
fixes the file. ``SourceError``: a source could not be used right now (the host is down, the
password changed, the query timed out…); shown in the channel. Neither message ever holds a
secret: the texts of other libraries' errors are passed through ``scrub`` first.
"""

from __future__ import annotations


class SourceConfigError(ValueError):
    """The sources file is wrong: one line naming the source (or the file) and the fix."""


class SourceError(RuntimeError):
    """A source could not be read: one sentence naming what to fix, never a secret.

    ``str(error)`` is said in the channel: never a host, port, url, query or table name.
    ``operator`` is the same sentence with those details, for whoever runs the bot
    (``segbot sources --check``, the log); None when there is nothing more to say.
    """

    def __init__(self, message: str, *, operator: str | None = None) -> None:
        super().__init__(message)
        self.operator = operator

    def __reduce__(self) -> tuple:  # keeps ``operator`` across the worker process boundary
        return (_source_error, (str(self), self.operator))


def _source_error(message: str, operator: str | None) -> SourceError:
    return SourceError(message, operator=operator)


def scrub(text: str, secrets: tuple[str, ...] = (), limit: int = 200) -> str:
    """The first line of another library's message, cut to ``limit`` characters, with every
    secret replaced (a driver may echo a connection string it was given)."""
    line = next((part.strip() for part in str(text).splitlines() if part.strip()), "")
    for secret in secrets:
        if secret:
            line = line.replace(secret, "•••")
    return line if len(line) <= limit else line[: limit - 1] + "…"
