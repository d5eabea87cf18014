"""Problems the person who asked can fix, in a sentence written for them."""

from __future__ import annotations

NO_DATASET = (
    "This channel has no dataset yet. Share a transaction export (CSV, XLSX, Parquet…) in this "
    "channel and I'll segment it; then `/segment` commands work on it."
)
GONE = "Those results are not available in this channel any more."


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` is shown to them verbatim."""
