"""Adding an export to stored transactions: which lines are new, the combined table, and
whether the new file looks like more of the same data (the default of the add/replace question).

All functions take normalised transaction tables (``segmentation.load.normalise``). A line is
*already stored* when every normalised column equals that of a stored line (missing values
equal each other); such lines are not counted twice. Lines repeated inside the new file but
absent from the stored ones are all kept, as a single upload keeps them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Line dates outside these years are unreadable dates the reader saturated (cleaning drops
# them too); they must not stretch the span a question quotes.
SANE_YEARS = (1900, 2100)


@dataclass(frozen=True)
class Span:
    """The first and last line date of a table (lines with a customer and a sane date)."""

    first: dt.datetime
    last: dt.datetime


@dataclass(frozen=True)
class Overlap:
    """How a new file relates to the stored data, and the answer suggested from it.

    ``kind``: "continues" (starts on/after the stored start, ends after the stored end),
    "overlaps" (starts earlier, ends inside), "columns" (the field → column mappings differ),
    "within" (inside the stored dates), "covers" (starts earlier, ends on/after the stored end)
    or "earlier" (ends before the stored data begins). ``columns`` lists, for "columns",
    ``(field, column in the new file, column in the stored data)`` with None for none.
    """

    suggested: str  # "add" | "replace"
    kind: str
    new: Span | None
    stored: Span | None
    columns: tuple[tuple[str, str | None, str | None], ...] = ()


def line_span(transactions: pd.DataFrame) -> Span | None:
    """First and last date of the lines that have a customer and a sane date (None if none)."""
    stamps = transactions["timestamp"]
    low, high = (pd.Timestamp(year=y, month=1, day=1) for y in SANE_YEARS)
    usable = transactions["customer_id"].notna() & (stamps >= low) & (stamps < high)
    if not usable.any():
        return None
    kept = stamps[usable]
    return Span(kept.min().to_pydatetime(), kept.max().to_pydatetime())


def compare(
    new_mapping: dict[str, str],
    stored_mapping: dict[str, str],
    new: Span | None,
    stored: Span | None,
) -> Overlap:
    """Suggest "add" when the columns are the same and the dates continue, else "replace"."""
    changes = tuple(
        (f, new_mapping.get(f), stored_mapping.get(f))
        for f in sorted(set(new_mapping) | set(stored_mapping))
        if new_mapping.get(f) != stored_mapping.get(f)
    )
    if changes:
        return Overlap("replace", "columns", new, stored, changes)
    if new is None or stored is None:
        return Overlap("replace", "within", new, stored)
    if new.first >= stored.first:
        kind = "continues" if new.last > stored.last else "within"
    elif new.last < stored.first:
        kind = "earlier"
    else:
        kind = "covers" if new.last >= stored.last else "overlaps"
    return Overlap("add" if kind in ("continues", "overlaps") else "replace", kind, new, stored)


def new_lines(stored: pd.DataFrame, upload: pd.DataFrame) -> np.ndarray:
    """Boolean mask over ``upload``: True for lines no stored line equals in every column.

    Each line is hashed (64-bit, over the values, so differently coded categoricals agree);
    a hash also found among the stored lines is then checked column by column against that
    stored line, so a hash collision can never drop a new line (at worst, two distinct stored
    lines sharing a hash make an equal upload line count as new, never the reverse).
    """
    columns = list(stored.columns)
    upload = _aligned(upload[columns], stored)
    stored_hash = pd.util.hash_pandas_object(stored, index=False).to_numpy()
    upload_hash = pd.util.hash_pandas_object(upload, index=False).to_numpy()
    hashes, first_row = np.unique(stored_hash, return_index=True)
    if len(hashes) == 0:
        return np.ones(len(upload), dtype=bool)
    slot = np.minimum(np.searchsorted(hashes, upload_hash), len(hashes) - 1)
    candidates = np.flatnonzero(hashes[slot] == upload_hash)
    stored_rows = first_row[slot[candidates]]
    same = np.ones(len(candidates), dtype=bool)
    for name in columns:
        same &= _equal(stored[name], stored_rows, upload[name], candidates)
    mask = np.ones(len(upload), dtype=bool)
    mask[candidates[same]] = False
    return mask


def combine(stored: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """``stored`` then ``added`` as one table with ``stored``'s columns; categorical columns
    stay categorical (their categories united)."""
    added = _aligned(added[list(stored.columns)], stored)
    columns = {}
    for name in stored.columns:
        left, right = stored[name], added[name]
        if isinstance(left.dtype, pd.CategoricalDtype):
            columns[name] = pd.api.types.union_categoricals(
                [left, right.astype("category")], ignore_order=True
            )
        else:
            columns[name] = np.concatenate([left.to_numpy(), right.to_numpy()])
    return pd.DataFrame(columns)


def _aligned(frame: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the non-categorical dtypes of ``like`` (timestamps in the same unit
    hash and compare alike)."""
    casts = {
        name: like[name].dtype
        for name in like.columns
        if not isinstance(like[name].dtype, pd.CategoricalDtype)
        and frame[name].dtype != like[name].dtype
    }
    return frame.astype(casts) if casts else frame


def _equal(
    left: pd.Series, left_rows: np.ndarray, right: pd.Series, right_rows: np.ndarray
) -> np.ndarray:
    """Whether ``left`` at ``left_rows`` equals ``right`` at ``right_rows``, element-wise; two
    missing values are equal. Categoricals are compared by code once ``right`` is coded with
    ``left``'s categories (a value those lack gets -1 and must not match a missing one)."""
    if isinstance(left.dtype, pd.CategoricalDtype):
        theirs = right.take(right_rows).astype("category")
        codes = theirs.cat.set_categories(left.dtype.categories).cat.codes.to_numpy()
        known = (codes != -1) | theirs.isna().to_numpy()
        return (left.cat.codes.to_numpy()[left_rows] == codes) & known
    a, b = left.to_numpy()[left_rows], right.to_numpy()[right_rows]
    return (a == b) | (pd.isna(a) & pd.isna(b))


def added_note(added: int, already: int) -> str:
    """The audit's sentence for an added file: "12,345 new lines added; 2,001 were already stored." """
    new = f"{added:,} new line{'' if added == 1 else 's'} added"
    if already == 0:
        return f"{new}; none was already stored."
    return f"{new}; {already:,} {'was' if already == 1 else 'were'} already stored."
