"""Turn the bytes of an export file into a table of its raw columns.

Handles CSV/TSV/TXT (delimiter and encoding sniffed), xlsx, Parquet, and any of
these inside .gz or a single-file .zip. Formats are recognised by content, so a
spreadsheet renamed to .csv still works.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from segmentation.errors import ExportError

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
DELIMITERS = (",", ";", "\t", "|")
SelectColumns = Callable[[list[str]], dict[str, str]]
TEXT_FIELDS = ("customer", "invoice", "country", "product", "currency")


@dataclass
class RawTable:
    """Columns of the export renamed to segbot fields, plus how the file was read."""

    frame: pd.DataFrame
    mapping: dict[str, str]
    file_format: str
    encoding: str | None = None
    malformed_lines: int = 0


def read_table(data: bytes, name: str, select: SelectColumns) -> RawTable:
    """Read ``data`` (the file's bytes, ``name`` its file name).

    ``select`` receives the header list and returns ``{field: column}``; only those
    columns are read. Raises ExportError for anything that is not a usable table.
    """
    if not data or data.isspace():
        raise ExportError(f"`{name}` is empty. Export the transactions again and re-upload.")
    if data.startswith(GZIP_MAGIC):
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ExportError(f"`{name}` looks like a .gz file but it is damaged.") from exc
        return read_table(inner, name.removesuffix(".gz").removesuffix(".GZ"), select)
    if data.startswith(ZIP_MAGIC):
        return _read_zip(data, name, select)
    if data.startswith(PARQUET_MAGIC):
        return _read_parquet(data, name, select)
    if data.startswith(OLE_MAGIC):
        raise ExportError(
            f"`{name}` is an old-style Excel (.xls) file. Save it as .xlsx or CSV and upload again."
        )
    return _read_text(data, name, select)


def _read_zip(data: bytes, name: str, select: SelectColumns) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise ExportError(f"`{name}` looks like a zip file but it is damaged.") from exc
    if "xl/workbook.xml" in names:
        return _read_xlsx(data, name, select)
    members = [
        n
        for n in names
        if not n.endswith("/")
        and not n.startswith("__MACOSX")
        and not n.split("/")[-1].startswith(".")
    ]
    if len(members) != 1:
        listing = ", ".join(members[:10]) or "nothing"
        raise ExportError(
            f"`{name}` should hold exactly one data file, but it holds {len(members)}: {listing}. "
            "Zip a single export and upload again."
        )
    return read_table(archive.read(members[0]), members[0].split("/")[-1], select)


def _read_parquet(data: bytes, name: str, select: SelectColumns) -> RawTable:
    try:
        source = pa.BufferReader(data)
        headers = pq.read_schema(source).names
        mapping = select(headers)
        # Dictionary-encoded text arrives as pandas categoricals: far less memory for 5M rows.
        text = [c for f, c in mapping.items() if f in TEXT_FIELDS]
        table = pq.read_table(
            pa.BufferReader(data), columns=list(mapping.values()), read_dictionary=text
        )
    except (pa.ArrowException, OSError) as exc:
        raise ExportError(f"`{name}` looks like a Parquet file but cannot be read: {exc}") from exc
    return RawTable(_renamed(_to_pandas(table), mapping), mapping, "parquet")


def _read_xlsx(data: bytes, name: str, select: SelectColumns) -> RawTable:
    import fastexcel  # imported here: only xlsx uploads pay for it

    try:
        reader = fastexcel.read_excel(data)
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
        frame = _to_pandas(table)
    except ExportError:
        raise
    except Exception as exc:  # fastexcel raises its own hierarchy for broken workbooks
        raise ExportError(f"`{name}` looks like an Excel file but cannot be read: {exc}") from exc
    return RawTable(_renamed(frame, mapping), mapping, "xlsx")


def _read_text(data: bytes, name: str, select: SelectColumns) -> RawTable:
    data, encoding = _without_bom(data, name)
    if not _is_utf8(data[:65536]):
        data, encoding = _transcoded(data)
    head = data[:65536].decode("utf-8", errors="ignore")
    lines = [line for line in head.splitlines()[:50] if line.strip()]
    delimiter = _sniff_delimiter(lines)
    headers = next(csv.reader(lines[:1], delimiter=delimiter))
    mapping = select(headers)
    malformed = 0

    def skip_malformed(_row: object) -> str:
        nonlocal malformed
        malformed += 1
        return "skip"

    wanted = list(dict.fromkeys(mapping.values()))
    dictionary = pa.dictionary(pa.int32(), pa.string())
    types = {c: dictionary for f, c in mapping.items() if f in (*TEXT_FIELDS, "date")}
    numbers = {c: pa.float64() for f, c in mapping.items() if f in ("quantity", "price", "amount")}
    try:
        try:
            table = _parse_csv(data, delimiter, wanted, {**types, **numbers}, skip_malformed)
        except pa.ArrowInvalid as exc:
            if "UTF8" not in str(exc) or encoding not in ("utf-8", "utf-8-sig"):
                raise
            # Only the columns segbot reads are validated, so most latin-1 files never get here.
            malformed = 0
            data, encoding = _transcoded(data)
            table = _parse_csv(data, delimiter, wanted, {**types, **numbers}, skip_malformed)
    except pa.ArrowInvalid:
        # A stray "N/A" or "£12.50" in a number column: read those columns as text and let
        # normalisation count the rows it cannot use.
        malformed = 0
        as_text = {c: pa.string() for c in numbers}
        try:
            table = _parse_csv(data, delimiter, wanted, {**types, **as_text}, skip_malformed)
        except pa.ArrowInvalid as exc:
            raise ExportError(f"`{name}` could not be read as a table: {exc}") from exc
    return RawTable(_renamed(_to_pandas(table), mapping), mapping, "csv", encoding, malformed)


def _parse_csv(
    data: bytes, delimiter: str, columns: list[str], types: dict, on_invalid: Callable
) -> pa.Table:
    return pacsv.read_csv(
        io.BytesIO(data),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns, column_types=types, strings_can_be_null=True
        ),
    )


def _without_bom(data: bytes, name: str) -> tuple[bytes, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    if b"\x00" in data[:8192]:
        raise ExportError(
            f"`{name}` is not a text export (it contains binary data). "
            "Upload a CSV, TSV, Excel (.xlsx) or Parquet file."
        )
    return data, "utf-8"


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        return exc.start >= len(head) - 3
    return True


def _transcoded(data: bytes) -> tuple[bytes, str]:
    """Re-encode a cp1252 (or, failing that, latin-1) file as UTF-8."""
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-8"), "latin-1"


def _sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the lines into the most, and most consistent, fields."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts)
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    # Arrow buffers are released column by column as pandas takes them over, so a large
    # export is not held twice at the peak.
    return table.to_pandas(split_blocks=True, self_destruct=True)


def _renamed(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({field: frame[column] for field, column in mapping.items()})
