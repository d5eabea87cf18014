"""Errors a user can cause, with messages a marketer understands."""


class ExportError(ValueError):
    """An export that cannot be segmented, and what to do about it.

    The message is written for the person who uploaded the file: what is wrong,
    what was found, and how to fix it. It is shown verbatim in Slack and the CLI.
    """


class NotEnoughCustomersError(ExportError):
    """Too few customers survive cleaning to form the requested segments."""
