"""The real data scaled to any number of lines, as a folder of Parquet files made by DuckDB.

Copy ``i`` of the real export gets customer ids + i·100,000 and invoice numbers + i·1,000,000
(the "C"/"A" prefix kept), so customers, orders and cancellations grow with the copies while
every copy keeps the real data's shape (dates, products, prices, refunds, repeats). The last
copy is cut so the folder holds exactly the lines asked for. Columns are segbot's normalised
ones (``segmentation.engine.NORMALISED`` plus ``country``). Files go to the benchmarks' cache
folder (``benchmarks.datasets.CACHE``), never into the repository.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from benchmarks.datasets import CACHE, REAL_PARQUET
from segmentation.load import load_export
from segmentation.load.normalise import TRANSACTION_COLUMNS

CUSTOMER_STEP = 100_000  # real ids are 12346-18287
INVOICE_STEP = 1_000_000  # real invoice numbers are 536365-581587

COPY_SQL = """
COPY (
    SELECT
        CAST(CAST(customer_id AS BIGINT) + {copy} * {customer_step} AS VARCHAR) AS customer_id,
        regexp_extract(invoice, '^[^0-9]*')
            || CAST(CAST(regexp_extract(invoice, '[0-9]+') AS BIGINT) + {copy} * {invoice_step}
                    AS VARCHAR) AS invoice,
        CAST(timestamp AS TIMESTAMP) AS timestamp, product, quantity, price, amount, country
    FROM base
    LIMIT {limit}
) TO '{path}' (FORMAT parquet, COMPRESSION zstd)
"""


def parse_lines(text: str) -> int:
    """'100M' -> 100_000_000, '2.5M' -> 2_500_000, '500k' -> 500_000, '1234' -> 1234."""
    text = text.strip().upper().replace("_", "").replace(",", "")
    scale = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1:], 1)
    number = text[:-1] if scale != 1 else text
    return int(float(number) * scale)


def label(lines: int) -> str:
    """100_000_000 -> '100M', 541_909 -> '541,909'."""
    return f"{lines // 1_000_000}M" if lines % 1_000_000 == 0 else f"{lines:,}"


def normalised_real() -> pd.DataFrame:
    """The real export as segbot's loader normalises it, text columns as plain strings."""
    frame = load_export(REAL_PARQUET).transactions[list(TRANSACTION_COLUMNS)]
    text = [c for c in TRANSACTION_COLUMNS if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype({c: "string" for c in text})


def scaled_parquet(lines: int) -> Path:
    """Folder of Parquet files (one per copy, ``part-NNNN.parquet``) with exactly ``lines``
    lines, written once per machine; returns the folder (read it as ``folder/*.parquet``)."""
    folder = CACHE / f"scaled-{lines}"
    if folder.exists():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = CACHE / f".scaled-{lines}.{os.getpid()}.part"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        _write_copies(lines, tmp)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _write_copies(lines: int, folder: Path) -> None:
    base = normalised_real()
    con = duckdb.connect(config={"threads": 2, "memory_limit": "2GB"})
    con.register("base", base)
    per_copy = len(base)
    copy = 0
    while copy * per_copy < lines:
        limit = min(per_copy, lines - copy * per_copy)
        path = folder / f"part-{copy:04d}.parquet"
        con.execute(
            COPY_SQL.format(
                copy=copy,
                customer_step=CUSTOMER_STEP,
                invoice_step=INVOICE_STEP,
                limit=limit,
                path=path,
            )
        )
        copy += 1
    con.close()
