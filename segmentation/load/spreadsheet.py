"""Reading an xlsx workbook, after checking it cannot make the reader allocate without bound.

The reader (fastexcel, on calamine) sizes its cell grid from the sheet's declared ``<dimension>``
and keeps every shared string, so both are checked first, from the zip's own metadata and the
first bytes of each part, before the workbook is handed over. Formulas whose results were never
saved (a file written by a script, not by Excel) read as empty cells: when a number column is
empty for that reason, the user is told so rather than shown "no usable rows".
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

import pyarrow as pa

from segmentation.errors import ExportError
from segmentation.load.limits import CHUNK, ReadLimits

DIMENSION = re.compile(
    rb'<dimension\s+ref="\$?([A-Z]{1,3})\$?(\d{1,9})(?::\$?([A-Z]{1,3})\$?(\d{1,9}))?"'
)
COUNT = re.compile(rb'uniqueCount="(\d+)"')
HEAD = 65536


def check_xlsx(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """Refuse a workbook whose parts or declared cell grid are over the limits."""
    infos = archive.infolist()
    if sum(i.file_size for i in infos) > limits.inflated_bytes:
        raise limits.expands(name)
    for info in infos:
        part = info.filename
        if part.startswith("xl/worksheets/") and part.endswith(".xml"):
            limits.check_rows(name, _declared_cells(_head(archive, part)), "cells")
        elif part == "xl/sharedStrings.xml":
            limits.check_rows(name, _shared_strings(archive, part), "cells")


def _head(archive: zipfile.ZipFile, part: str) -> bytes:
    with archive.open(part) as stream:
        return stream.read(HEAD)


def _declared_cells(head: bytes) -> int:
    match = DIMENSION.search(head)
    if not match or not match.group(3):
        return 0
    first_col, first_row, last_col, last_row = match.groups()
    rows = int(last_row) - int(first_row) + 1
    return max(rows, 1) * max(_column(last_col) - _column(first_col) + 1, 1)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _shared_strings(archive: zipfile.ZipFile, part: str) -> int:
    """How many strings the table holds: the larger of what it declares and what it has."""
    count, tail = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            data = tail + chunk
            count += data.count(b"<si>") + data.count(b"<si ") + data.count(b"<si/>")
            tail = data[-4:]
            count -= tail.count(b"<si>") + tail.count(b"<si ") + tail.count(b"<si/>")
    declared = COUNT.search(_head(archive, part))
    return max(count, int(declared.group(1)) if declared else 0)


def read_xlsx(
    data: bytes, name: str, select: Callable[[list[str]], dict[str, str]]
) -> tuple[pa.Table, dict[str, str]]:
    """The first sheet with data: the selected columns as Arrow, and the mapping."""
    import fastexcel  # imported here: only xlsx uploads pay for it

    try:
        reader = fastexcel.read_excel(bytes(data))
        for sheet_name in reader.sheet_names:
            # One pass over the sheet: the workbook XML is parsed whole even for the header
            # row, so reading headers first would double the time. Types are decided from
            # every row, so invoice numbers that turn into "C536379" after row 1,000 are kept.
            sheet = reader.load_sheet(sheet_name, schema_sample_rows=None)
            headers = [c.name for c in sheet.available_columns()]
            if headers:
                break
        else:
            raise ExportError(f"`{name}` has no sheet with data in it.")
        mapping = select(headers)
        table = sheet.to_arrow().select(list(dict.fromkeys(mapping.values())))
    except (ExportError, MemoryError):
        raise
    except Exception as exc:  # fastexcel raises its own hierarchy for broken workbooks
        raise ExportError(f"`{name}` looks like an Excel file but cannot be read: {exc}") from exc
    return table, mapping


def check_formulas(table: pa.Table, mapping: dict[str, str], name: str, formulas: bool) -> None:
    """Refuse a sheet whose quantity, price or amount column is empty because it holds
    formulas without saved results."""
    # The amount is quantity × price when both are there (see ``normalise``), else its own.
    needed = ("quantity", "price") if {"quantity", "price"} <= mapping.keys() else ("amount",)
    for field in needed:
        column = mapping.get(field)
        if formulas and column and len(table) and table[column].null_count == len(table):
            raise ExportError(
                f"Column '{column}' ({field}) in `{name}` holds formulas whose results were "
                "never saved, so it has no numbers to read. Open the file in Excel (or another "
                "spreadsheet), save it, and upload it again; or export it as CSV."
            )


def has_formulas(archive: zipfile.ZipFile) -> bool:
    """Whether the first worksheet has a formula without a saved value in its first 64 KB."""
    sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    return (
        bool(sheets)
        and re.search(rb"</f>\s*</c>|<f/>\s*</c>", _head(archive, sheets[0])) is not None
    )
