"""The real Online Retail data and a 10× copy, written once per machine in the formats benchmarks need.

The real set ships with the project as data/online_retail.parquet (UCI Online Retail,
CC BY 4.0; see README "Data"); the files made here go to a temporary cache folder and
are never committed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from segmentation.sample import sample_export

ROOT = Path(__file__).resolve().parent.parent
REAL_PARQUET = ROOT / "data" / "online_retail.parquet"
CACHE = Path(os.environ.get("SEGBOT_BENCH_CACHE", Path(tempfile.gettempdir()) / "segbot-bench"))


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
    """Write an .xlsx with xlsxwriter's streaming mode: dates as real Excel dates, missing cells blank.

    About 4× faster than ``frame.to_excel(engine="openpyxl")`` for the real set (19 s against
    72 s in one run) and read by fastexcel to the same data. Not ``to_excel(engine="xlsxwriter")`` with
    ``constant_memory``: pandas writes column by column, and in that mode xlsxwriter keeps only
    the current row, silently dropping every column after the first.
    """
    import xlsxwriter  # only this file needs it

    columns = []  # (kind, Python values with None where missing), one per column
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            kind, cells = "date", pd.Series(values.dt.to_pydatetime(), dtype=object)
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            kind, cells = "number", values.astype("float64").astype(object)
        else:
            kind, cells = "text", values.astype(str).astype(object)
        columns.append((kind, cells.where(values.notna().to_numpy(), None).tolist()))
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, [str(name) for name in frame.columns])
    write_string, write_number, write_datetime = (
        sheet.write_string,
        sheet.write_number,
        sheet.write_datetime,
    )
    for row in range(len(frame)):  # row by row: the streaming mode cannot go back a row
        for col, (kind, cells) in enumerate(columns):
            value = cells[row]
            if value is None:  # missing: leave the cell blank
                continue
            if kind == "text":
                write_string(row + 1, col, value)
            elif kind == "number":
                write_number(row + 1, col, value)
            else:
                write_datetime(row + 1, col, value, date_format)
    workbook.close()
    return path


def cached(name: str) -> Path:
    """Path of a cached benchmark file, creating it on first use.

    Names: real.csv, real.parquet, real.xlsx, tenfold.csv, tenfold.parquet, and
    sample.csv (a small generated export for warming up).
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / name
    if path.exists():
        return path
    tmp = path.with_suffix(path.suffix + ".part")
    if name == "sample.csv":
        sample_export(rows=3_000, seed=0)[0].to_csv(tmp, index=False)
        return tmp.rename(path)
    frame = real_frame() if name.startswith("real") else tenfold(real_frame())
    if name.endswith(".csv"):
        as_uci_csv(frame, tmp)
    elif name.endswith(".xlsx"):
        as_xlsx(frame, tmp)
    else:
        frame.to_parquet(tmp, index=False)
    tmp.rename(path)
    return path
