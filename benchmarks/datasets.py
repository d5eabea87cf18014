"""The real Online Retail data and a 10× copy, written once per machine in the formats benchmarks need.

The real set ships with the project as data/online_retail.parquet (UCI Online Retail,
CC BY 4.0; see README "Data"); the files made here go to a temporary cache folder and
are never committed.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation.sample import sample_export

ROOT = Path(__file__).resolve().parent.parent
REAL_PARQUET = ROOT / "data" / "online_retail.parquet"
CACHE = Path(os.environ.get("SEGBOT_BENCH_CACHE", Path(tempfile.gettempdir()) / "segbot-bench"))
# Excel's limit is 1,048,576 rows; past ~1M rows the sheet XML may pass 4 GiB, which needs
# zip64 sizes in the entry header (Excel itself is happier without them, so only then).
_ZIP64_ROWS = 1_000_000
_CHUNK_ROWS = 50_000  # rows joined at once: bounds memory to a few tens of MB per chunk
_EPOCH = datetime(1899, 12, 31)  # Excel's 1900 date system, as xlsxwriter uses it
_CONTROL_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# The fixed parts of a one-sheet workbook with a shared-strings table and two cell styles:
# 0 (default) and 1 (a date-time number format; readers recognise dates by it).
_PARTS = {
    "[Content_Types].xml": f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OXML}.styles+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_OXML}.sharedStrings+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
    "xl/styles.xml": f'<styleSheet xmlns="{_MAIN}"><numFmts count="1">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>",
}


def real_frame() -> pd.DataFrame:
    """The real UCI Online Retail export, 541,909 rows."""
    return pd.read_parquet(REAL_PARQUET)


def tenfold(frame: pd.DataFrame, copies: int = 10) -> pd.DataFrame:
    """``copies`` copies with customer ids and invoice numbers offset per copy."""
    parts = []
    for i in range(copies):
        invoice = frame["InvoiceNo"].astype(str)
        cancelled = invoice.str.startswith("C")
        number = (
            invoice.str.lstrip("C").str.replace(r"\D", "", regex=True).astype("int64")
            + i * 1_000_000
        )
        parts.append(
            frame.assign(
                InvoiceNo=cancelled.map({True: "C", False: ""}) + number.astype(str),
                CustomerID=frame["CustomerID"] + i * 100_000,
            )
        )
    return pd.concat(parts, ignore_index=True)


def as_uci_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write like the widely shared CSV copy: month-first dates without zero padding, latin-1."""
    out = frame.assign(InvoiceDate=frame["InvoiceDate"].dt.strftime("%-m/%-d/%Y %-H:%M"))
    out.to_csv(path, index=False, encoding="latin-1", errors="replace")
    return path


def as_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` as a one-sheet .xlsx and return ``path``.

    A small SpreadsheetML writer that gives the reader (fastexcel) the same cells as
    xlsxwriter: header row of column names, then datetime columns as Excel serial numbers
    with a date style, other numeric columns as number cells (NaN customer ids included
    as numbers, so the reader infers a float column), everything else as text via a
    shared-strings table (text escaped as xlsxwriter escapes it); missing values are
    absent cells. 8-10× faster than xlsxwriter's streaming mode for the real set (2-3 s
    against 17-20 s on a 2-core machine, files of the same size), because each distinct value is
    formatted once and rows are assembled by numpy indexing; tests/benchmarks/
    test_datasets.py checks that load_export reads both files alike. Not handled (the
    data here has none): strings over Excel's 32,767 characters, timezone-aware dates.
    """
    strings: dict[str, int] = {}  # shared-strings table: text -> index, in first-seen order
    header = [(np.zeros(1, dtype=np.intp), [_string_cell(str(n), strings)]) for n in frame.columns]
    columns = [_column(frame[name], strings) for name in frame.columns]
    letters = [column_letter(i).encode() for i in range(len(frame.columns))]
    last = f"{column_letter(max(len(frame.columns) - 1, 0))}{len(frame) + 1}"
    # Level 1: a few tenths of a second less than the default 6, for a file the size of
    # xlsxwriter's (25 MB against 20 MB at level 6).
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, body in _PARTS.items():
            archive.writestr(name, _HEAD + body)
        big = len(frame) > _ZIP64_ROWS
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=big) as sheet:
            sheet.write(
                f'{_HEAD}<worksheet xmlns="{_MAIN}"><dimension ref="A1:{last}"/><sheetData>'.encode()
            )
            sheet.write(_rows(header, letters, 1, 0, 1))
            for start in range(0, len(frame), _CHUNK_ROWS):
                stop = min(start + _CHUNK_ROWS, len(frame))
                sheet.write(_rows(columns, letters, start + 2, start, stop))
            sheet.write(b"</sheetData></worksheet>")
        archive.writestr("xl/sharedStrings.xml", _shared_strings(strings))
    return path


def _column(values: pd.Series, strings: dict[str, int]) -> tuple[np.ndarray, list[bytes]]:
    """One column as (code per row, -1 where missing; cell XML after ``r="A2`` per distinct value).

    Formatting each distinct value once is what makes this fast: the real set has 541,909
    rows but at most ~26,000 distinct values in any column.
    """
    codes, uniques = pd.factorize(values)  # NaN/NaT/None -> code -1
    if pd.api.types.is_datetime64_any_dtype(values):
        return codes, [
            _number_cell(_serial(moment), ' s="1"') for moment in uniques.to_pydatetime()
        ]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return codes, [_number_cell(float(number), "") for number in uniques]
    return codes, [_string_cell(str(text), strings) for text in uniques]


def _rows(columns, letters, first_row: int, start: int, stop: int) -> bytes:
    """The ``<row>`` elements for frame rows ``start:stop``, numbered from ``first_row``.

    Builds a (rows × pieces) array of byte strings and joins it once: per cell the opening
    ``<c r="B``, the row number and the rest of the cell, all three empty for a missing value.
    """
    count = stop - start
    numbers = np.arange(first_row, first_row + count).astype("S").astype(object)
    empty = np.array(b"", dtype=object)
    pieces = np.empty((count, 3 * len(columns) + 2), dtype=object)
    pieces[:, 0] = b'<row r="' + numbers + b'">'
    for i, ((codes, cells), letter) in enumerate(zip(columns, letters, strict=True)):
        chunk = codes[start:stop]
        present = chunk >= 0
        # Index -1 (missing) picks the empty string appended at the end.
        pieces[:, 3 * i + 1] = np.where(present, b'<c r="' + letter, empty)
        pieces[:, 3 * i + 2] = np.where(present, numbers, empty)
        pieces[:, 3 * i + 3] = np.array([*cells, b""], dtype=object)[chunk]
    pieces[:, -1] = b"</row>"
    return b"".join(pieces.ravel().tolist())


def _number_cell(number: float, style: str) -> bytes:
    """The rest of a number cell; ``%.16G`` as xlsxwriter prints numbers, so the same floats."""
    return f'"{style}><v>{number:.16G}</v></c>'.encode()


def _string_cell(text: str, strings: dict[str, int]) -> bytes:
    """The rest of a text cell pointing into ``strings`` (adding ``text`` if new)."""
    index = strings.setdefault(text, len(strings))
    return f'" t="s"><v>{index}</v></c>'.encode()


def _shared_strings(strings: dict[str, int]) -> bytes:
    """xl/sharedStrings.xml for ``strings``, escaped as xlsxwriter escapes text."""
    items = []
    for text in strings:  # dicts keep insertion order, which is the index order
        # Control characters become _xHHHH_ (and a literal "_x0041_" is protected first),
        # the way Excel stores them; leading/trailing spaces need xml:space="preserve".
        text = _CONTROL.sub(
            lambda m: f"_x{ord(m.group(1)):04X}_", _CONTROL_ESCAPED.sub(r"_x005F\1", text)
        )
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
        items.append(f"<si><t{space}>{text}</t></si>")
    body = f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
    return (_HEAD + body + "".join(items) + "</sst>").encode()


def _serial(moment: datetime) -> float:
    """Excel serial number of ``moment`` (days since 1899-12-31), computed as xlsxwriter does."""
    delta = moment - _EPOCH
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / (60 * 60 * 24)
    if moment.isocalendar() == (1900, 1, 1):  # xlsxwriter's quirk for this one day, kept
        serial -= 1
    return serial + 1 if serial > 59 else serial  # Excel counts a 29 Feb 1900 that never was


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def without_products(frame: pd.DataFrame) -> pd.DataFrame:
    """The real data without its product columns, as a payments tool's export has none."""
    return frame.drop(columns=["StockCode", "Description"])


WIDE_CUSTOMERS = 20_000


def wide_catalogue(
    lines: int = 400_000, products: int = 50_000, seed: int = 1
) -> tuple[pd.DataFrame, pd.Series]:
    """A normalised table of ``lines`` lines by ``WIDE_CUSTOMERS`` customers over a catalogue
    of ``products`` products (half the lines on a few best-sellers, Zipf, half anywhere), and
    the customers' segments: four, in turn by id."""
    rng = np.random.default_rng(seed)
    customers = rng.integers(0, WIDE_CUSTOMERS, lines)
    popular = rng.zipf(1.3, lines) % products
    chosen = np.where(rng.random(lines) < 0.5, popular, rng.integers(0, products, lines))
    frame = pd.DataFrame({
        "customer_id": pd.Categorical(customers.astype(str)),
        "invoice": pd.Categorical((customers * 7 + rng.integers(0, 5, lines)).astype(str)),
        "timestamp": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365, lines), unit="D"),
        "product": pd.Categorical(chosen.astype(str)), "quantity": 1.0, "price": 2.0, "amount": 2.0,
    })  # fmt: skip
    ids = np.arange(WIDE_CUSTOMERS)
    return frame, pd.Series(ids % 4, index=ids.astype(str))


def cached(name: str) -> Path:
    """Path of a cached benchmark file, creating it on first use.

    Names: real.csv, real.parquet, real.xlsx, tenfold.csv, tenfold.parquet, and
    sample.csv (a small generated export for warming up); "-noproducts" before the suffix
    (real-noproducts.csv) leaves out the product columns, as a payments tool's export has
    none.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / name
    if path.exists():
        return path
    # A name of its own per writer, then an atomic rename: test processes running side by
    # side may both write the file, and a reader never sees half of one.
    tmp = path.with_name(f".{name}.{os.getpid()}.part{path.suffix}")
    try:
        _write(name, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write(name: str, tmp: Path) -> None:
    if name == "sample.csv":
        sample_export(rows=3_000, seed=0)[0].to_csv(tmp, index=False)
        return
    frame = real_frame() if name.startswith("real") else tenfold(real_frame())
    if "-noproducts." in name:
        frame = without_products(frame)
    if name.endswith(".csv"):
        as_uci_csv(frame, tmp)
    elif name.endswith(".xlsx"):
        as_xlsx(frame, tmp)
    else:
        frame.to_parquet(tmp, index=False)
