"""Open a source with ibis: its backend connection, the raw table, and how to stop a query.

Databases and warehouses connect through ``ibis.connect(url)`` with the password given
apart (never inside a URL that could be printed). Postgres gets a server-side
``statement_timeout`` and a connect timeout; every backend gets an ``interrupt`` that
stops a running query from another thread (Postgres: a cancel request; DuckDB:
``interrupt()``). Files are read by an in-process DuckDB.
"""

from __future__ import annotations

import contextlib
import glob
import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import ibis
import ibis.expr.types as ir

from sources.catalog import Source
from sources.download import download
from sources.errors import SourceError

PARQUET = (".parquet", ".pq")
CSV = (".csv", ".csv.gz", ".tsv", ".txt")


@dataclass
class Session:
    """An open source: its ibis backend and the functions that stop or close it."""

    backend: object
    interrupt: Callable[[], None] = lambda: None
    closers: list[Callable[[], None]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # a files source's files, on disk

    def close(self) -> None:
        for close in reversed(self.closers):
            with contextlib.suppress(Exception):
                close()


def open_session(source: Source, *, timeout_s: float) -> Session:
    """An open connection to ``source``; the caller closes it."""
    return _files(source, timeout_s) if source.kind == "files" else _database(source, timeout_s)


@contextlib.contextmanager
def session(source: Source, *, timeout_s: float) -> Iterator[Session]:
    """An open connection to ``source`` (closed on exit)."""
    opened = open_session(source, timeout_s=timeout_s)
    try:
        yield opened
    finally:
        opened.close()


def raw_table(opened: Session, source: Source) -> ir.Table:
    """The source's transactions as its backend sees them (no rows read yet)."""
    backend = opened.backend
    if source.kind == "files":
        return _read_files(backend, source, opened.files)
    if source.query is not None:
        return _query(backend, source.query)
    *where, name = source.table.split(".")
    database = None if not where else where[0] if len(where) == 1 else tuple(where)
    return backend.table(name, database=database)


def _query(backend, query: str) -> ir.Table:
    """The query's result as a table. On DuckDB through a temporary view: ibis 12's
    ``Backend.sql`` calls ``fetch_arrow_table`` on a DuckDB 2 connection, which has none."""
    if backend.name != "duckdb":
        return backend.sql(query)
    backend.con.execute(f"CREATE OR REPLACE TEMPORARY VIEW segbot_source AS {query}")
    return backend.table("segbot_source")


def _database(source: Source, timeout_s: float) -> Session:
    scheme = urlsplit(source.url).scheme.lower().replace("postgresql", "postgres")
    options: dict[str, object] = {}
    if source.password is not None:
        options["password"] = source.password.reveal()
    if scheme == "postgres":
        options.update(_postgres_options(timeout_s))
    backend = ibis.connect(source.url, **options)
    opened = Session(backend, closers=[backend.disconnect])
    if scheme == "postgres":
        opened.interrupt = _postgres_cancel(backend.con)
    elif scheme == "duckdb":
        opened.interrupt = backend.con.interrupt
    return opened


def _postgres_options(timeout_s: float) -> dict[str, object]:
    """The server stops a statement past the timeout even if the bot is gone; connecting
    gives up after the timeout too (at most 30 s: a host that does not answer is down)."""
    ms = max(1, int(timeout_s * 1000))
    return {
        "options": f"-c statement_timeout={ms} -c idle_in_transaction_session_timeout={ms}",
        "connect_timeout": max(2, math.ceil(min(timeout_s, 30))),
        "application_name": "segbot",
    }


def _postgres_cancel(con) -> Callable[[], None]:
    def cancel() -> None:
        with contextlib.suppress(Exception):
            con.cancel_safe(timeout=5) if hasattr(con, "cancel_safe") else con.cancel()

    return cancel


def _files(source: Source, timeout_s: float) -> Session:
    backend = ibis.duckdb.connect()
    opened = Session(backend, interrupt=backend.con.interrupt, closers=[backend.disconnect])
    if source.url is not None:
        folder = Path(tempfile.mkdtemp(prefix="segbot-source-"))
        opened.closers.append(lambda: shutil.rmtree(folder, ignore_errors=True))
        try:
            opened.files = [str(download(source, folder, timeout_s=timeout_s))]
        except BaseException:  # never returned, so never closed by the caller: close it here
            for close in reversed(opened.closers):
                with contextlib.suppress(Exception):
                    close()
            raise
    else:
        opened.files = _matching(source)
    return opened


def _read_files(backend, source: Source, paths: list[str]) -> ir.Table:
    """Every Parquet (else CSV) file at the source's path, folder or glob, as one table."""
    parquet = [p for p in paths if p.lower().endswith(PARQUET)]
    csv = [p for p in paths if p.lower().endswith(CSV)]
    if parquet:
        return backend.read_parquet(parquet)
    if csv:
        return backend.read_csv(csv)
    where = source.path or PurePosixPath(urlsplit(source.url or "").path).name
    raise SourceError(
        f"No Parquet or CSV file was found at the path of source '{source.name}': ask the "
        "bot's operator to check its path (`segbot sources FILE --check` shows why).",
        operator=f"No Parquet or CSV file was found at the path of source '{source.name}' "
        f"({where}): check path in the sources file.",
    )


def _matching(source: Source) -> list[str]:
    path = Path(source.path)
    if path.is_dir():
        return sorted(str(p) for p in path.rglob("*") if p.is_file())
    if glob.has_magic(source.path):
        return sorted(p for p in glob.glob(source.path, recursive=True) if Path(p).is_file())
    return [source.path] if path.is_file() else []
