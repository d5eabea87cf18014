"""The engine in-process: DuckDB over an upload's normalised table, no server, no setup."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

import duckdb
import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from segmentation.engine.prepared import Prepared
from segmentation.engine.query import NORMALISED, PRODUCT_COLUMNS, STATUS_COLUMNS
from segmentation.engine.run import prepare

TABLE = "transactions"
OPTIONAL = ("country", *STATUS_COLUMNS, *PRODUCT_COLUMNS)  # read when present (see ``query``)


def prepare_frame(
    transactions: pd.DataFrame,
    *,
    rows_read: int | None = None,
    as_of: dt.date | None = None,
) -> Prepared:
    """Audit and per-customer features of a normalised table (see ``segmentation.load``).

    The table goes to DuckDB as Arrow without a copy.
    """
    columns = [c for c in (*NORMALISED, *OPTIONAL) if c in transactions.columns]
    arrow = pa.Table.from_pandas(transactions[columns], preserve_index=False)
    with database().cursor() as con:  # a cursor: its own view of TABLE
        con.register(TABLE, arrow)
        table = ibis.table(ibis.Schema.from_pyarrow(arrow.schema), name=TABLE)
        return prepare(_executor(con), table, rows_read=rows_read, as_of=as_of)


@functools.cache
def database() -> duckdb.DuckDBPyConnection:
    """The process's in-memory DuckDB (opening one costs ~10 ms; each call takes a cursor).

    It spills to the system's temporary folder, not to ``.tmp`` in whatever folder the bot
    was started from.
    """
    spill = Path(tempfile.gettempdir()) / "segbot-duckdb"
    return duckdb.connect(config={"temp_directory": str(spill)})


def limit_memory(megabytes: int) -> None:
    """Bound the process's DuckDB to ``megabytes``; past it, DuckDB spills to a temporary
    folder instead of failing (a worker calls this under its own memory cap)."""
    database().execute(f"SET memory_limit = '{int(megabytes)}MB'")


def _executor(con: duckdb.DuckDBPyConnection):
    def execute(expr: ir.Expr) -> pd.DataFrame:
        return con.sql(sql(expr.op())).df()

    return execute


@functools.lru_cache(maxsize=64)
def sql(node: ops.Node) -> str:
    """DuckDB SQL for an expression; compiling costs ~20 ms and a worker sees few shapes."""
    return str(ibis.to_sql(node.to_expr(), dialect="duckdb"))
