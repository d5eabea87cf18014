"""Load any supported export into segbot's normalised transaction table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from segmentation.errors import ExportError
from segmentation.load.columns import match_columns
from segmentation.load.dates import DateOrder
from segmentation.load.normalise import normalise
from segmentation.load.readers import read_table


@dataclass
class Export:
    """A loaded export: normalised transactions and how they were read."""

    transactions: pd.DataFrame
    mapping: dict[str, str]
    file_format: str
    date_order: DateOrder
    rows_read: int
    malformed_lines: int = 0
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def load_export(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Export:
    """Read an export from a path or bytes (``name`` is its file name, for messages).

    ``mapping`` overrides the column guess (``{"customer": "Client Ref"}``).
    Raises ExportError with a plain-English message for anything unusable.
    """
    if isinstance(source, bytes):
        data, name = source, name or "the file"
    else:
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise ExportError(f"There is no file at {path}.") from exc
        except IsADirectoryError as exc:
            raise ExportError(f"{path} is a folder; give the path of an export file.") from exc
    raw = read_table(data, name, lambda headers: match_columns(headers, mapping))
    del data  # a file read here is not needed any more: free it before normalising
    transactions, order = normalise(raw.frame, raw.mapping)
    notes = [n for n in [order.describe()] if n]
    if raw.malformed_lines:
        notes.append(
            f"{raw.malformed_lines:,} line(s) had the wrong number of fields and were skipped."
        )
    return Export(
        transactions=transactions,
        mapping=raw.mapping,
        file_format=raw.file_format,
        date_order=order,
        rows_read=len(transactions) + raw.malformed_lines,
        malformed_lines=raw.malformed_lines,
        encoding=raw.encoding,
        notes=notes,
    )


__all__ = ["Export", "load_export"]
