"""Load any supported export into segbot's normalised transaction table."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

import segmentation.load.platforms as platforms
from segmentation import currency as currencies
from segmentation.errors import ExportError
from segmentation.load.columns import match_columns, normalise_header
from segmentation.load.dates import DateOrder
from segmentation.load.limits import ReadLimits
from segmentation.load.normalise import normalise
from segmentation.load.readers import RawTable, read_table
from segmentation.load.record import ExportRecord
from segmentation.memory import give_back_freed_memory
from segmentation.threads import meanwhile

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Export:
    """A loaded export: normalised transactions and how they were read.

    ``currency`` is the ISO 4217 code of the amounts (None when unknown or mixed);
    ``currency_source`` says where it came from: "option", "column" or "symbols".
    A guess from symbols, a mix, or an option that contradicts the file adds a note.
    """

    table: pa.Table
    mapping: dict[str, str]
    file_format: str
    date_order: DateOrder
    rows_read: int
    malformed_lines: int = 0
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    currency: str | None = None
    currency_source: str | None = None
    file_name: str = "the file"
    sha256: str = ""  # of the bytes read

    @property
    def transactions(self) -> pd.DataFrame:
        """The normalised table as pandas (text as categoricals), for the steps that
        work on lines in pandas; the engine and storage take ``table`` as it is."""
        from segmentation.load.arrow_frame import frame_from_arrow  # loading needs no pandas

        return frame_from_arrow(self.table)

    @property
    def record(self) -> ExportRecord:
        """The export's facts as one value, to store and pass on (``ExportRecord``)."""
        return ExportRecord(
            file_name=self.file_name,
            sha256=self.sha256,
            file_format=self.file_format,
            mapping=dict(self.mapping),
            date_order=self.date_order.order,
            notes=tuple(self.notes),
            currency=self.currency,
            rows_read=self.rows_read,
        )


def load_export(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    mapping: Mapping[str, str] | None = None,
    currency: str | None = None,
    limits: ReadLimits | None = None,
) -> Export:
    """Read an export from a path or bytes (``name`` is its file name, for messages).

    ``mapping`` overrides the column guess (``{"customer": "Client Ref"}``);
    ``currency`` (a three-letter code such as "GBP") overrides the detected currency.
    ``limits`` bound what reading may produce (default: those of a 1 GB upload limit).
    Raises ExportError in plain English for anything unusable, or too big for memory.
    """
    option = None if currency is None else currencies.checked_code(currency)
    limits = limits or ReadLimits.for_upload()
    data, name = _file_bytes(source, name)
    sha256 = _sha256_meanwhile(data)
    seen: list[str] = []  # the file's headers, as the reader found them

    def select(headers: list[str]) -> dict[str, str]:
        seen[:] = headers
        return match_columns(headers, mapping)

    try:
        raw = read_table(data, name, select, limits)
        del data  # a file read here is not needed any more: free it before normalising
        layout = platforms.detect(normalise_header(h) for h in seen)
        table, order, signs, read_notes = normalise(raw.table, raw.mapping, layout)
    except MemoryError as exc:  # a worker's memory cap (bot/jobs/worker.py) was reached
        raise ExportError(
            f"`{name}` needs more memory to read than I may use. Upload a smaller export "
            "(fewer months, or only the columns I need)."
        ) from exc
    code, code_source, currency_notes = currencies.decide(
        option=option,
        column=_column_codes(raw.table, "currency"),
        column_name=raw.mapping.get("currency"),
        written=signs,
    )
    raw.table = raw.table.schema.empty_table()  # the file as read: freed, and handed back
    give_back_freed_memory()
    notes = [*_layout_notes(layout, seen, raw.mapping), *read_notes]
    notes += [n for n in [order.describe(), *currency_notes, *_reader_notes(raw)] if n]
    return Export(
        table=table,
        mapping=raw.mapping,
        file_format=raw.file_format,
        date_order=order,
        rows_read=table.num_rows + raw.malformed_lines,
        malformed_lines=raw.malformed_lines,
        encoding=raw.encoding,
        notes=notes,
        currency=code,
        currency_source=code_source,
        file_name=name,
        sha256=sha256(),
    )


def _sha256_meanwhile(data: bytes) -> Callable[[], str]:
    """SHA-256 of ``data`` worked out on a thread while the file is read (hashing lets go
    of the interpreter): call the result for the hex digest. Near a worker's memory cap
    a thread's stack may not fit: then it is worked out here and now."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
    digest = meanwhile(pool, lambda: hashlib.sha256(data).hexdigest())
    pool.shutdown(wait=False)
    if digest is None:
        done = hashlib.sha256(data).hexdigest()
        return lambda: done
    return digest


def _file_bytes(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    """The export's bytes and the name messages call it by."""
    if isinstance(source, bytes):
        return source, name or "the file"
    path = Path(source)
    try:
        return path.read_bytes(), name or path.name
    except FileNotFoundError as exc:
        raise ExportError(f"There is no file at {path}.") from exc
    except IsADirectoryError as exc:
        raise ExportError(f"{path} is a folder; give the path of an export file.") from exc


def _layout_notes(
    layout: platforms.Layout | None, headers: list[str], mapping: Mapping[str, str]
) -> list[str]:
    """Which platform's export the file was read as, and the money columns left out of
    revenue (shipping and tax, where the export writes them apart from the items' value:
    not when the amount read is an order total, which includes them)."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    notes = [f"Read as a {layout.name}."] if layout else []
    apart = platforms.separated_money(by_norm)
    total = normalise_header(mapping.get("amount", "")) in platforms.ORDER_TOTALS
    if apart and not (total and not {"quantity", "price"} <= set(mapping)):
        listed = ", ".join(f"'{h}'" for h in apart)
        notes.append(f"Shipping and tax ({listed}) are not counted as revenue.")
    return notes


def _reader_notes(raw: RawTable) -> list[str]:
    skipped = raw.malformed_lines
    malformed = [f"{skipped:,} line(s) had the wrong number of fields and were skipped."]
    return [*raw.notes, *(malformed if skipped else [])]


def _column_codes(table: pa.Table, field: str) -> Counter[str]:
    """Rows per currency code in a currency column (cells that are no code are skipped)."""
    codes: Counter[str] = Counter()
    if field not in table.column_names:
        return codes
    # Counted per distinct cell: a currency column holds a handful of values, however long.
    for pair in pc.value_counts(table.column(field).combine_chunks()).to_pylist():
        code = currencies.code_of_value(pair["values"])
        if code and pair["counts"]:
            codes[code] += int(pair["counts"])
    return codes


__all__ = ["Export", "load_export"]
