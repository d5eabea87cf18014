"""A hostile corpus, made by code (no committed binaries): bombs and files with one bad value.

Bombs are cheap to make however far they inflate: a gzip file may hold many members (the same
small compressed member repeated), and a raw deflate stream may repeat a fully-flushed piece
(a full flush starts the next piece with no back-references), so a 2 GB bomb costs 2 MB and
a few tenths of a second. Zip archives are written by hand around such streams.
"""

from __future__ import annotations

import gzip
import io
import struct
import zlib

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.datasets import column_letter
from segmentation.sample import sample_export

MB = 1024 * 1024
HEADER = b"InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"


def rows_block(size: int = MB) -> bytes:
    """About ``size`` bytes of valid CSV rows (no header): 300 customers' lines over and over
    (a period well inside deflate's 32 KB window, so it compresses ~1000:1)."""
    period = b"".join(
        b"5%05d,A%03d,%d,2011-%02d-%02d 10:00,%d.25,%d,UK\n"
        % (i, i % 90, 1 + i % 7, 1 + i % 12, 1 + i % 28, 1 + i % 40, 10000 + i)
        for i in range(300)
    )
    return period * (size // len(period))


def gz_bomb(inflated: int) -> bytes:
    """A .csv.gz inflating to about ``inflated`` bytes: one gzip member repeated."""
    block = rows_block()
    member = gzip.compress(block, compresslevel=9, mtime=0)
    return gzip.compress(HEADER, mtime=0) + member * max(1, inflated // len(block))


def _raw_repeat(head: bytes, block: bytes, times: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``head`` + ``block`` × ``times``; (stream, crc32, size)."""

    def flushed(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return flushed(head) + flushed(block) * times + end, crc, len(head) + len(block) * times


def zip_archive(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of ``(name, data, method, crc, size)`` members (method 8: data is raw deflate)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, method, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        fields = (20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded + data)
        central.write(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + encoded
        )
    start, directory = out.tell(), central.getvalue()
    n = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(directory), start, 0)
    return out.getvalue() + directory + end


def stored(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return (name, data, 0, zlib.crc32(data), len(data))


def deflated(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return (name, c.compress(data) + c.flush(), 8, zlib.crc32(data), len(data))


def zip_bomb(inflated: int, name: str = "orders.csv") -> bytes:
    block = rows_block()
    stream, crc, size = _raw_repeat(HEADER, block, max(1, inflated // len(block)))
    return zip_archive([(name, stream, 8, crc, size)])


def nested_gz_bomb(inflated: int) -> bytes:
    """.csv.gz.gz.gz: a gzip bomb gzipped twice more."""
    return gzip.compress(gzip.compress(gz_bomb(inflated), mtime=0), mtime=0)


def zip_in_zip_bomb(inflated: int) -> bytes:
    return zip_archive([deflated("inner.zip", zip_bomb(inflated))])


def parquet_rows(rows: int, per_group: int = 1_000_000) -> bytes:
    """A small Parquet file declaring ``rows`` rows of the same line (dictionary + RLE)."""
    group = min(rows, per_group)
    table = pa.table(
        {
            "InvoiceNo": pa.array(["536365"] * group).dictionary_encode(),
            "InvoiceDate": pa.array(["2011-01-01 10:00"] * group).dictionary_encode(),
            "Quantity": pa.array([1.0] * group),
            "UnitPrice": pa.array([2.5] * group),
            "CustomerID": pa.array(["17850"] * group).dictionary_encode(),
        }
    )
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, table.schema, compression="zstd") as writer:
        for _ in range(rows // group):
            writer.write_table(table, row_group_size=group)
    return sink.getvalue()


# ---- xlsx, written by hand: the few parts a reader needs ----

_CT = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    b'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    b'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    b'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    b'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xlsx(sheet_xml: bytes, shared: list[tuple[str, bytes, int, int, int]] | None = None) -> bytes:
    parts = [
        deflated("[Content_Types].xml", _CT),
        deflated("_rels/.rels", _RELS),
        deflated("xl/workbook.xml", _WORKBOOK),
        deflated("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        deflated("xl/worksheets/sheet1.xml", sheet_xml),
    ]
    strings = b'<?xml version="1.0"?><sst %s count="0" uniqueCount="0"></sst>' % _NS
    return zip_archive(parts + (shared or [deflated("xl/sharedStrings.xml", strings)]))


def sheet(rows: list[list[str | float | None]], dimension: str | None = None) -> bytes:
    """Sheet XML: inline strings, numbers, and ``"=…"`` formulas without a saved value."""
    out = [b'<?xml version="1.0"?><worksheet %s>' % _NS]
    if dimension:
        out.append(b'<dimension ref="%s"/>' % dimension.encode())
    out.append(b"<sheetData>")
    for r, row in enumerate(rows, start=1):
        out.append(b'<row r="%d">' % r)
        for c, value in enumerate(row):
            ref = b"%s%d" % (column_letter(c).encode(), r)
            if value is None:
                continue
            if isinstance(value, str) and value.startswith("="):
                out.append(b'<c r="%s"><f>%s</f></c>' % (ref, value[1:].encode()))
            elif isinstance(value, str):
                out.append(
                    b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, value.encode())
                )
            else:
                out.append(b'<c r="%s"><v>%r</v></c>' % (ref, value))
        out.append(b"</row>")
    return b"".join(out) + b"</sheetData></worksheet>"


def xlsx_whole_sheet() -> bytes:
    """1.6 KB declaring A1:XFD1048576, with cells in both corners."""
    xml = sheet([["Customer", "Date", "Amount"], [1, "2011-01-01", 3.0]], "A1:XFD1048576")
    corner = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    return xlsx(xml.replace(b"</sheetData>", corner))


def xlsx_shared_strings_bomb(inflated: int) -> bytes:
    """A sheet of a few cells and a shared-strings table of ~``inflated`` bytes."""
    head = b'<?xml version="1.0"?><sst %s count="9" uniqueCount="9">' % _NS
    block = b"<si><t>x</t></si>" * (MB // 17)
    stream, crc, size = _raw_repeat(head, block, max(1, inflated // len(block)))
    # The closing tag is left out: the reader has allocated everything by then.
    table = ("xl/sharedStrings.xml", stream, 8, crc, size)
    rows = [["Customer", "Date", "Amount"], [1, "2011-01-01", 3.0], [2, "2011-02-01", 4.0]]
    return xlsx(sheet(rows), [table])


def base_frame(rows: int = 3000):
    """A small, ordinary export (sample data, many customers), as a DataFrame."""
    return sample_export(rows=rows, seed=0)[0]


def base_csv(rows: int = 3000) -> bytes:
    frame = base_frame(rows)
    frame["InvoiceDate"] = frame["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M")
    return frame.to_csv(index=False).encode()


def with_line(csv: bytes, line: str) -> bytes:
    """``csv`` with one more line appended (the columns of ``base_csv``)."""
    return csv + line.encode() + b"\n"
