"""The engine in-process: DuckDB over an upload's normalised table, no server, no setup."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

from segmentation.engine.columns import NORMALISED, PRODUCT_COLUMNS, STATUS_COLUMNS
from segmentation.engine.compiled import Query, duckdb_sql, query_sql
from segmentation.engine.contacts import CONTACT_COLUMNS, as_frame, empty_contacts
from segmentation.engine.prepared import Prepared
from segmentation.engine.run import prepare

if TYPE_CHECKING:
    import ibis.expr.operations as ops
    import ibis.expr.types as ir

TABLE = "transactions"
CONTACTS = Query("segmentation.engine.contacts", "contacts_query")
OPTIONAL = ("country", *STATUS_COLUMNS, *PRODUCT_COLUMNS)  # read when present (see ``query``)


def prepare_frame(
    transactions: pa.Table | pd.DataFrame,
    *,
    rows_read: int | None = None,
    as_of: dt.date | None = None,
) -> Prepared:
    """Audit and per-customer features of a normalised table (see ``segmentation.load``),
    as Arrow (what loading and storage give) or pandas. DuckDB reads Arrow without a copy.
    """
    present = (
        transactions.column_names if isinstance(transactions, pa.Table) else transactions.columns
    )
    columns = [c for c in (*NORMALISED, *OPTIONAL) if c in present]
    if isinstance(transactions, pa.Table):
        arrow = transactions.select(columns)
    else:
        arrow = pa.Table.from_pandas(transactions[columns], preserve_index=False)
    with database().cursor() as con:  # a cursor: its own view of TABLE
        con.register(TABLE, arrow)
        return prepare(run_on(con, {TABLE: arrow.schema}), rows_read=rows_read, as_of=as_of)


def contacts_frame(transactions: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Each customer's latest contact details in a normalised table (an upload's, or a stored
    dataset's Arrow table), one row per customer (``segmentation.engine.contacts``); no
    columns when the table has no contact column."""
    names = list(transactions.column_names if isinstance(transactions, pa.Table) else transactions)
    columns = ["customer_id", "timestamp", *[c for c in CONTACT_COLUMNS if c in names]]
    if columns[2:] in ([], ["country"]):  # a country alone is nobody's contact
        return empty_contacts()
    if isinstance(transactions, pa.Table):
        arrow = transactions.select(columns)
    else:
        arrow = pa.Table.from_pandas(transactions[columns], preserve_index=False)
    with database().cursor() as con:
        con.register(TABLE, arrow)
        return as_frame(run_on(con, {TABLE: arrow.schema})(CONTACTS))


def query_tables(build: Callable[..., ir.Table], **tables: pa.Table) -> pa.Table:
    """The rows of ``build``'s expression, given each of ``tables`` (Arrow, read without a
    copy) as an ibis table of the same name, run in-process."""
    import ibis

    with database().cursor() as con:
        named = {}
        for name, table in tables.items():
            con.register(name, table)
            named[name] = ibis.table(ibis.Schema.from_pyarrow(table.schema), name=name)
        return con.sql(sql(build(**named).op())).to_arrow_table()


@functools.cache
def database() -> duckdb.DuckDBPyConnection:
    """The process's in-memory DuckDB (opening one costs ~10 ms; each call takes a cursor).

    It spills to the system's temporary folder, not to ``.tmp`` in whatever folder the bot
    was started from.
    """
    spill = Path(tempfile.gettempdir()) / "segbot-duckdb"
    con = duckdb.connect(config={"temp_directory": str(spill)})
    # An instant with an offset is kept as its time in UTC, whatever the machine's zone.
    con.execute("SET TimeZone = 'UTC'")
    return con


def limit_memory(megabytes: int) -> None:
    """Bound the process's DuckDB to ``megabytes``; past it, DuckDB spills to a temporary
    folder instead of failing (a worker calls this under its own memory cap)."""
    database().execute(f"SET memory_limit = '{int(megabytes)}MB'")


def run_on(con: duckdb.DuckDBPyConnection, inputs: dict[str, pa.Schema]):
    """How ``segmentation.engine.run`` runs a query on ``con``, over its tables named and
    shaped as ``inputs`` (registered): the SQL looked up by name (``compiled.query_sql``)."""

    def run(query: Query, *args: Any, **kwargs: Any) -> pd.DataFrame:
        return query_sql(query, inputs, *args, **kwargs).on(con).df()

    return run


@functools.lru_cache(maxsize=64)
def sql(node: ops.Node) -> str:
    """DuckDB SQL for an expression: compiled once per machine (``compiled``), kept here
    for the process (a worker sees few shapes)."""
    return duckdb_sql(node)
