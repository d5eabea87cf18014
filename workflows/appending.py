"""Adding an export to stored transactions: which lines are new, the combined table, and
whether the new file looks like more of the same data (the default of the add/replace question).

All functions take normalised transaction tables as Arrow (``segmentation.load.normalise``,
as stored). A line is
*already stored* when every normalised column equals that of a stored line (missing values
equal each other); such lines are not counted twice. Lines repeated inside the new file but
absent from the stored ones are all kept, as a single upload keeps them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from segmentation.engine.compiled import Query
from segmentation.engine.local import in_process

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Line dates outside these years are unreadable dates the reader saturated (cleaning drops
# them too); they must not stretch the span a question quotes.
SANE_YEARS = (1900, 2100)
ALREADY_STORED = Query("workflows.appending", "already_stored")


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


def line_span(transactions: pa.Table) -> Span | None:
    """First and last date of the lines that have a customer and a sane date (None if none)."""
    stamps = transactions["timestamp"]
    low, high = (pa.scalar(dt.datetime(y, 1, 1), stamps.type) for y in SANE_YEARS)
    usable = pc.and_(
        pc.is_valid(transactions["customer_id"]),
        pc.and_(pc.greater_equal(stamps, low), pc.less(stamps, high)),
    )
    found = pc.min_max(pc.filter(stamps, usable))
    if not found["min"].is_valid:
        return None
    return Span(found["min"].as_py(), found["max"].as_py())


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


def new_lines(stored: pa.Table, upload: pa.Table) -> np.ndarray:
    """Boolean mask over ``upload``: True for lines no stored line equals in every one of the
    stored columns (two missing values are equal; a column the upload lacks is missing).

    The engine joins the two on every column, so only the numbers of the upload's lines
    already stored come back.
    """
    lines = _like(upload, stored).append_column("_line", pa.array(np.arange(upload.num_rows)))
    with in_process(stored=stored, upload=lines) as engine:
        found = engine.fetch(ALREADY_STORED, ("stored", "upload"))["_line"]
    mask = np.ones(upload.num_rows, dtype=bool)
    mask[found.to_numpy()] = False
    return mask


def already_stored(stored: ir.Table, upload: ir.Table) -> ir.Table:
    """The ``_line`` of each of ``upload``'s lines that a stored line equals in every stored
    column (``new_lines``' query)."""
    same = [upload[c].identical_to(stored[c]) for c in stored.columns]
    return upload.semi_join(stored, same).select("_line")


def combine(stored: pa.Table, added: pa.Table) -> pa.Table:
    """``stored`` then ``added`` as one table: ``stored``'s columns, then those only ``added``
    has (missing where a table lacks them), each column one array over one dictionary."""
    names = [*stored.column_names, *(c for c in added.column_names if c not in stored.schema.names)]
    schema = pa.schema([
        stored.schema.field(n) if n in stored.schema.names else added.schema.field(n)
        for n in names
    ])  # fmt: skip
    both = pa.concat_tables([_like(stored, schema), _like(added, schema)])
    return both.unify_dictionaries().combine_chunks()


def _like(table: pa.Table, like: pa.Table | pa.Schema) -> pa.Table:
    """``table`` with ``like``'s columns and types: a column it lacks all missing."""
    schema = like if isinstance(like, pa.Schema) else like.schema
    columns = []
    for field in schema:
        if field.name not in table.schema.names:
            columns.append(pa.nulls(table.num_rows, field.type))
        elif table.schema.field(field.name).type != field.type:
            columns.append(table[field.name].cast(field.type))
        else:
            columns.append(table[field.name])
    return pa.table(columns, schema=schema)


def added_note(added: int, already: int) -> str:
    """The audit's sentence for an added file: "12,345 new lines added; 2,001 were already stored." """
    new = f"{added:,} new line{'' if added == 1 else 's'} added"
    if already == 0:
        return f"{new}; none was already stored."
    return f"{new}; {already:,} {'was' if already == 1 else 'were'} already stored."
