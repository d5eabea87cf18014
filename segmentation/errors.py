"""Errors a user can cause, with messages a marketer understands."""

import re

# A message quoting a file's cells ("None of the dates … could be read (e.g. '…')") must not
# show a contact when the wrong column was mapped: e-mail addresses, and quoted values that are
# phone numbers (9 digits or more, with a "+", "(", a leading 0 or spaces), are written as
# what they are.
_EMAIL = re.compile(r"[^\s'\"`@<>(),;:]+@[^\s'\"`@<>(),;:]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"'(?=(?:[^'\d]*\d){9})(?:\+|0|\(|\d+\s)[\d\s().\-]*'")


# An international number anywhere, quoted or not (a parser's message may quote a whole line).
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d(?:[\s().\-]*\d){7,}")


def without_contacts(message: str) -> str:
    """``message`` with e-mail addresses and phone numbers replaced by their kind."""
    message = _PHONE.sub("'(a phone number)'", _EMAIL.sub("(an e-mail address)", message))
    return _INTERNATIONAL.sub("(a phone number)", message)


class ExportError(ValueError):
    """An export that cannot be segmented, and what to do about it.

    The message is written for the person who uploaded the file: what is wrong,
    what was found, and how to fix it. It is shown verbatim in Slack and the CLI, so a contact
    quoted from the file's cells is never in it (``without_contacts``).
    """

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(without_contacts(str(message)), *args)


class NotEnoughCustomersError(ExportError):
    """Too few customers survive cleaning to form the requested segments."""


class MappingNeeded(ExportError):
    """The export's columns could not all be guessed: which fields are missing, the file's
    headers, and the best guess (a header) for each missing field where there is one.

    ``missing`` names fields of ``segmentation.load.columns.FIELDS``: "customer", "date",
    and for the value "amount" (or "quantity"/"price" when only the other one was found).
    """

    def __init__(
        self,
        message: str,
        *,
        missing: tuple[str, ...],
        headers: tuple[str, ...],
        guesses: dict[str, str] | None = None,
        kept: str | None = None,
    ) -> None:
        super().__init__(message)
        self.missing = missing
        self.headers = headers
        self.guesses = dict(guesses or {})
        self.kept = kept  # where the file's bytes wait for the answer (set by whoever keeps them)

    def __reduce__(self) -> tuple:  # keeps the fields across the worker process boundary
        return (_mapping_needed, (str(self), self.missing, self.headers, self.guesses, self.kept))


def _mapping_needed(
    message: str,
    missing: tuple[str, ...],
    headers: tuple[str, ...],
    guesses: dict[str, str],
    kept: str | None = None,
) -> MappingNeeded:
    return MappingNeeded(message, missing=missing, headers=headers, guesses=guesses, kept=kept)


MAX_QUOTE = 100  # a user-supplied string quoted back (a file or column name, an id, a word)


def quoted(text: object, limit: int = MAX_QUOTE) -> str:
    """A user-supplied string as a message quotes it: cut to ``limit`` characters (ending in
    "…" when cut), and a backtick inside it swapped for a look-alike so it cannot end a code
    span. Not escaped for Slack: the bot escapes whole messages where it shows them."""
    text = str(text)
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return cut.replace("`", "\u02cb")
