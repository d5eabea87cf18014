"""The engine in-process: DuckDB over an upload's normalised table, no server, no setup."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from segmentation.engine.columns import NORMALISED, PRODUCT_COLUMNS, STATUS_COLUMNS
from segmentation.engine.compiled import Query, query_sql
from segmentation.engine.contacts import CONTACT_COLUMNS, as_frame, empty_contacts
from segmentation.engine.prepared import Prepared
from segmentation.engine.run import prepare
from segmentation.interrupts import interrupts_deferred

with interrupts_deferred():  # a Ctrl-C while DuckDB's module starts would abort the process
    import duckdb

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
    with in_process(**{TABLE: engine_columns(transactions)}) as engine:  # its own cursor
        return prepare(engine.over(TABLE), rows_read=rows_read, as_of=as_of)


def contacts_frame(transactions: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Each customer's latest contact details in a normalised table (an upload's, or a stored
    dataset's Arrow table), one row per customer (``segmentation.engine.contacts``); no
    columns when the table has no contact column."""
    arrow = engine_columns(transactions, ("customer_id", "timestamp", *CONTACT_COLUMNS))
    if arrow.column_names[2:] in ([], ["country"]):  # a country alone is nobody's contact
        return empty_contacts()
    with in_process(**{TABLE: arrow}) as engine:
        return as_frame(engine.run(CONTACTS, (TABLE,)))


def engine_columns(
    transactions: pa.Table | pd.DataFrame, columns: Iterable[str] = (*NORMALISED, *OPTIONAL)
) -> pa.Table:
    """Those of ``columns`` that ``transactions`` has, in that order, as Arrow (a normalised
    table as loaded and stored is Arrow already: no copy)."""
    if isinstance(transactions, pa.Table):
        return transactions.select([c for c in columns if c in transactions.column_names])
    chosen = [c for c in columns if c in transactions.columns]
    return pa.Table.from_pandas(transactions[chosen], preserve_index=False)


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


class Local:
    """Queries on a cursor of the in-process DuckDB, over Arrow tables registered by name
    (read without a copy); their SQL found by name, shape and arguments
    (``compiled.query_sql``). A table held is worked out once and kept as Arrow (its rows
    never become Python objects), and taken back once read for the last time."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.kept: dict[str, pa.Table] = {}

    def keep(self, rows: pa.Table, name: str) -> None:
        self.con.register(name, rows)
        self.kept[name] = rows

    def query(self, query: Query, inputs: tuple[str, ...], *args: Any, **params: Any) -> Any:
        """``query`` over the tables named ``inputs``, as a DuckDB relation."""
        shapes = {name: self.kept[name].schema for name in inputs}
        return query_sql(query, shapes, *args, **params).on(self.con)

    def run(self, query: Query, inputs: tuple[str, ...], *args: Any, **params: Any) -> pd.DataFrame:
        return self.query(query, inputs, *args, **params).df()

    def fetch(self, query: Query, inputs: tuple[str, ...], *args: Any, **params: Any) -> pa.Table:
        return self.query(query, inputs, *args, **params).to_arrow_table()

    def hold(self, query: Query, inputs: tuple[str, ...], name: str, **params: Any) -> None:
        self.keep(self.fetch(query, inputs, **params), name)

    def columns(self, name: str) -> list[str]:
        return list(self.kept[name].schema.names)

    def take(self, name: str) -> pa.Table:
        """The table kept as ``name``, no longer registered: its rows are the caller's."""
        self.con.unregister(name)
        return self.kept.pop(name)

    def over(self, *inputs: str) -> Callable[..., pd.DataFrame]:
        """``run`` over ``inputs``: ``run(query, *args, **params)`` (``engine.run.prepare``)."""
        return lambda query, *args, **params: self.run(query, inputs, *args, **params)


@contextmanager
def in_process(**tables: pa.Table) -> Iterator[Local]:
    """The in-process engine on a cursor of its own, with ``tables`` registered by name."""
    with database().cursor() as con:
        engine = Local(con)
        for name, table in tables.items():
            engine.keep(table, name)
        yield engine
