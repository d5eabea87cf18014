"""Turn the bytes of an export file into a table of its raw columns.

Handles CSV/TSV/TXT (delimiter and encoding sniffed), xlsx, Parquet, and any of
these inside .gz or a single-file .zip. Formats are recognised by content, so a
spreadsheet renamed to .csv still works.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from segmentation.errors import ExportError
from segmentation.load.encoding import decoded_text, single_byte_codec, transcoded, without_bom
from segmentation.load.fields import FIELDS, NUMBER_FIELDS
from segmentation.load.limits import ReadLimits, inflate_gzip, read_member
from segmentation.load.spreadsheet import check_formulas, check_xlsx, has_formulas, read_xlsx

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"  # a zip with nothing in it is only its end record
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
DELIMITERS = (",", ";", "\t", "|")
SelectColumns = Callable[[list[str]], dict[str, str]]
# Every field but the date and the numbers is text, read as a dictionary.
DICTIONARY_FIELDS = tuple(f for f in FIELDS if f not in (*NUMBER_FIELDS, "date"))


@dataclass
class RawTable:
    """Columns of the export renamed to segbot fields, plus how the file was read."""

    table: pa.Table
    mapping: dict[str, str]
    file_format: str
    encoding: str | None = None
    malformed_lines: int = 0
    notes: list[str] = field(default_factory=list)


def read_table(
    data: bytes, name: str, select: SelectColumns, limits: ReadLimits, depth: int = 0
) -> RawTable:
    """Read ``data`` (the file's bytes, ``name`` its file name).

    ``select`` receives the header list and returns ``{field: column}``; only those
    columns are read. ``depth`` counts the containers (.gz, .zip) already opened.
    Raises ExportError for anything that is not a usable table or is over ``limits``.
    """
    if not data or data.isspace():
        raise ExportError(f"`{name}` is empty. Export the transactions again and re-upload.")
    if data.startswith(GZIP_MAGIC):
        limits.check_depth(name, depth + 1)
        try:
            inner = inflate_gzip(data, name, limits)
        except (zlib.error, EOFError) as exc:
            raise ExportError(f"`{name}` looks like a .gz file but it is damaged.") from exc
        return read_table(inner, _unzipped(name), select, limits, depth + 1)
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return _read_zip(data, name, select, limits, depth)
    if data.startswith(PARQUET_MAGIC):
        return _read_parquet(data, name, select, limits)
    if data.startswith(OLE_MAGIC):
        raise ExportError(
            f"`{name}` is an old-style Excel (.xls) file. Save it as .xlsx or CSV and upload again."
        )
    if depth:  # unpacked text: its lines are bounded here, before the parser allocates
        limits.check_rows(name, data.count(b"\n"))
    return _read_text(data, name, select)


def _unzipped(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def _read_zip(
    data: bytes, name: str, select: SelectColumns, limits: ReadLimits, depth: int
) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if "xl/workbook.xml" in names:
            check_xlsx(archive, name, limits)
            formulas = has_formulas(archive)
    except zipfile.BadZipFile as exc:
        raise ExportError(f"`{name}` looks like a zip file but it is damaged.") from exc
    if "xl/workbook.xml" in names:
        table, mapping = read_xlsx(data, name, select)
        check_formulas(table, mapping, name, formulas)
        return RawTable(_renamed(table, mapping), mapping, "xlsx")
    members = [
        n
        for n in names
        if not n.endswith("/")
        and not n.startswith("__MACOSX")
        and not n.split("/")[-1].startswith(".")
    ]
    if not members:
        raise ExportError(f"`{name}` is an empty zip file. Zip the export itself and upload again.")
    if len(members) != 1:
        listing = ", ".join(members[:10])
        raise ExportError(
            f"`{name}` should hold exactly one data file, but it holds {len(members)}: {listing}. "
            "Zip a single export and upload again."
        )
    limits.check_depth(name, depth + 1)
    try:
        inner = read_member(archive, members[0], name, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ExportError(f"`{name}` looks like a zip file but it is damaged.") from exc
    return read_table(inner, members[0].split("/")[-1], select, limits, depth + 1)


def _read_parquet(data: bytes, name: str, select: SelectColumns, limits: ReadLimits) -> RawTable:
    try:
        source = pa.BufferReader(data)
        metadata = pq.read_metadata(source)
        limits.check_rows(name, metadata.num_rows)
        headers = metadata.schema.to_arrow_schema().names
        mapping = select(headers)
        wanted = set(mapping.values())
        if _parquet_bytes(metadata, wanted) > limits.inflated_bytes:
            raise limits.expands(name)
        # Text as dictionaries: far less memory for 5M rows, and each value is read once.
        text = [c for f, c in mapping.items() if f in DICTIONARY_FIELDS]
        table = pq.read_table(
            pa.BufferReader(data),
            columns=list(dict.fromkeys(mapping.values())),
            read_dictionary=text,
        )
    except MemoryError:
        raise
    except (pa.ArrowException, OSError) as exc:
        raise ExportError(f"`{name}` looks like a Parquet file but cannot be read: {exc}") from exc
    return RawTable(_renamed(table, mapping), mapping, "parquet")


def _parquet_bytes(metadata: pq.FileMetaData, columns: set[str]) -> int:
    """Uncompressed bytes of the columns that will be read, from the footer alone."""
    total = 0
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        for c in range(group.num_columns):
            column = group.column(c)
            if column.path_in_schema.split(".")[0] in columns:
                total += column.total_uncompressed_size
    return total


def _read_text(data: bytes, name: str, select: SelectColumns) -> RawTable:
    data, encoding, notes = without_bom(data, name)
    codec = single_byte_codec(data) if encoding == "utf-8" else None  # no byte-order mark
    header_end = data.find(b"\n", 0, 65536)
    header = bytes(data[: header_end if header_end >= 0 else 65536])
    if codec is not None and not header.isascii():  # column names Arrow reads as UTF-8
        data, encoding = transcoded(data)
        codec = None
    encoding = codec or encoding
    head = bytes(data[:65536]).decode(codec or "utf-8", errors="ignore")
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
    # A single-byte file's text is read undecoded; each distinct value is decoded after.
    text = pa.string() if codec is None else pa.binary()
    dictionary = pa.dictionary(pa.int32(), text)
    types = {c: dictionary for f, c in mapping.items() if f in (*DICTIONARY_FIELDS, "date")}
    numbers = {c: pa.float64() for f, c in mapping.items() if f in NUMBER_FIELDS}
    try:
        try:
            table = _parse_csv(data, delimiter, wanted, {**types, **numbers}, skip_malformed)
        except pa.ArrowInvalid as exc:
            if "UTF8" not in str(exc) or encoding not in ("utf-8", "utf-8-sig"):
                raise
            # Only the columns segbot reads are validated, so most latin-1 files never get here.
            malformed = 0
            data, encoding = transcoded(data)
            table = _parse_csv(data, delimiter, wanted, {**types, **numbers}, skip_malformed)
    except pa.ArrowInvalid as exc:
        _refuse_long_lines(exc, name)
        # A stray "N/A" or "£12.50" in a number column: read those columns as text and let
        # normalisation count the rows it cannot use.
        malformed = 0
        as_text = {c: text for c in numbers}
        try:
            table = _parse_csv(data, delimiter, wanted, {**types, **as_text}, skip_malformed)
        except pa.ArrowInvalid as exc:
            _refuse_long_lines(exc, name)
            raise ExportError(f"`{name}` could not be read as a table: {exc}") from exc
    if codec is not None:
        table = _decoded(table, codec)
    return RawTable(_renamed(table, mapping), mapping, "csv", encoding, malformed, notes)


def _decoded(table: pa.Table, codec: str) -> pa.Table:
    """``table`` with its binary columns (plain, or dictionaries: each distinct value once)
    as text in ``codec``."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type) and pa.types.is_binary(column.type.value_type):
            chunks = [pa.DictionaryArray.from_arrays(c.indices, decoded_text(c.dictionary, codec))
                      for c in column.chunks]  # fmt: skip
            column = pa.chunked_array(chunks, pa.dictionary(pa.int32(), pa.string()))
        elif pa.types.is_binary(column.type):
            column = pa.chunked_array([decoded_text(c, codec) for c in column.chunks], pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _refuse_long_lines(exc: pa.ArrowInvalid, name: str) -> None:
    """Arrow's "straddling object" (a line longer than its 1 MB blocks), said plainly."""
    if "straddling" in str(exc):
        raise ExportError(
            f"`{name}` has a line over 1 MB long: a single value of megabytes, or a quote "
            '(") that is never closed. No transaction export looks like that; check the file '
            "and upload the export again."
        ) from exc


def _parse_csv(
    data: bytes, delimiter: str, columns: list[str], types: dict, on_invalid: Callable
) -> pa.Table:
    return pacsv.read_csv(
        pa.BufferReader(data),  # no copy, whether bytes or an unpacked bytearray
        parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns, column_types=types, strings_can_be_null=True
        ),
    )


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


def _renamed(table: pa.Table, mapping: dict[str, str]) -> pa.Table:
    """The columns read, named by the segbot field each stands for."""
    return pa.table({field: table.column(column) for field, column in mapping.items()})
