"""DuckDB SQL for the engine's queries, compiled once per machine rather than once per process.

Compiling an expression costs 10–100 ms (sqlglot), and importing ibis to build one 0.2 s: more
than the work itself for a command that segments one file. The SQL is kept in a private folder.

``query_sql`` names a query by its builder (``Query``: module and function, so naming it
imports nothing), the names and Arrow schemas of the tables it reads, its arguments, a
digest of segbot's own code and the versions of ibis, sqlglot and DuckDB. A run whose
queries were all compiled before never imports ibis. Arguments are written out in full;
one that cannot be (an array, an object) keeps its query out of the folder.

A changed query, input, argument or code has another name; nothing is ever looked up by
anything less.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import importlib
import importlib.metadata
import os
import stat
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    import ibis.expr.types as ir

# A run compiles a few dozen statements; an export of another layout, or a new version of
# segbot, a few dozen more. Past this many files the older half goes (by when each was
# written): those of an old version first, and a statement still in use is written again.
MOST_KEPT = 1000
CODE = Path(__file__).resolve().parents[1]  # the package whose code builds the queries


@dataclasses.dataclass(frozen=True)
class Query:
    """A query's builder named without importing it: ``function`` of ``module``, called with
    an ibis table per input and then the query's arguments."""

    module: str
    function: str

    def build(self, *tables_and_args: Any, **kwargs: Any) -> ir.Table:
        builder = getattr(importlib.import_module(self.module), self.function)
        return builder(*tables_and_args, **kwargs)


@dataclasses.dataclass(frozen=True)
class CompiledQuery:
    """A query's SQL and the values of its parameters (``$name`` in the text)."""

    text: str
    params: dict[str, Any]

    def on(self, con: Any) -> Any:
        """The query as a relation of ``con`` (a DuckDB connection or cursor)."""
        return con.sql(self.text, params=self.params or None)


def query_sql(
    query: Query, inputs: Mapping[str, pa.Schema], *args: Any, **kwargs: Any
) -> CompiledQuery:
    """The DuckDB SQL of ``query`` over tables named and shaped as ``inputs`` (in its
    parameters' order), with ``args`` and ``kwargs``; from the folder when compiled before.

    A date given by keyword is a parameter of the SQL, not part of it: an export with other
    dates finds the same statement. It is compiled with two stand-in dates, and is only kept
    so when both give the same statement once each stand-in is the parameter (a builder that
    did arithmetic on the date would not); otherwise the date is written into it.
    """
    dates = {k: v for k, v in kwargs.items() if type(v) is dt.date}
    shape = {k: ("date parameter" if k in dates else v) for k, v in kwargs.items()}
    described = _described((query, dict(inputs), args, shape))
    name = None if described is None else _digest(described)
    text = _remembered(name)
    if text == BY_VALUE:
        return _by_value(query, inputs, args, kwargs)
    if text is None:
        texts = {_with_parameters(query, inputs, args, kwargs, stand_in) for stand_in in STAND_INS}
        if len(texts) != 1:  # a date the builder changes: written in, and kept by value
            _remember(name, BY_VALUE)
            return _by_value(query, inputs, args, kwargs)
        text = texts.pop()
        _remember(name, text)
    params = {k: dt.datetime.combine(v, dt.time()) for k, v in dates.items()}
    return CompiledQuery(text, {k: v for k, v in params.items() if f"CAST(${k} AS" in text})


def _by_value(
    query: Query, inputs: Mapping[str, pa.Schema], args: tuple, kwargs: dict
) -> CompiledQuery:
    """The SQL with the dates written in, kept under a name of the dates' values."""
    described = _described((query, dict(inputs), args, kwargs))
    name = None if described is None else _digest(described)
    text = _remembered(name)
    if text is None:
        text = _compiled(_built(query, inputs, args, kwargs))
        _remember(name, text)
    return CompiledQuery(text, {})


# Dates no export holds, standing in for a query's date parameters while it is compiled.
STAND_INS = (dt.date(1234, 5, 6), dt.date(1357, 9, 11))
# Kept under a query's name when its dates cannot be parameters: its statements are then
# looked up by the dates' values at once, not compiled with the stand-ins again.
BY_VALUE = "-- the dates are written into this query's statements: kept by value\n"


def _with_parameters(
    query: Query, inputs: Mapping[str, pa.Schema], args: tuple, kwargs: dict, stand_in: dt.date
) -> str:
    """The SQL built with ``stand_in`` for each keyword date (shifted a day per date, so no
    two coincide), each written as its parameter."""
    dates = [k for k, v in kwargs.items() if type(v) is dt.date]
    stand = {k: stand_in + dt.timedelta(days=i) for i, k in enumerate(dates)}
    text = _compiled(_built(query, inputs, args, {**kwargs, **stand}))
    for key, day in stand.items():
        text = text.replace(f"MAKE_TIMESTAMP({day.year}, {day.month}, {day.day}, 0, 0, 0.0)",
                            f"CAST(${key} AS TIMESTAMP)")  # fmt: skip
    return text


def _built(query: Query, inputs: Mapping[str, pa.Schema], args: tuple, kwargs: dict) -> ir.Table:
    import ibis  # only to compile: a warm run never pays for it

    tables = [ibis.table(ibis.Schema.from_pyarrow(s), name=n) for n, s in inputs.items()]
    return query.build(*tables, *args, **kwargs)


def _compiled(expr: ir.Expr) -> str:
    import ibis

    return str(ibis.to_sql(expr, dialect="duckdb"))


def _digest(text: str) -> str:
    return hashlib.sha256(f"{_versions()}\n{text}".encode()).hexdigest()[:40]


@functools.cache
def _versions() -> str:
    """The libraries that turn a builder into SQL, and a digest of segbot's own code."""
    names = ("ibis-framework", "sqlglot", "duckdb")
    code = hashlib.sha256()
    for path in sorted(CODE.rglob("*.py")):
        code.update(str(path.relative_to(CODE)).encode() + b"\0" + path.read_bytes())
    return "; ".join(f"{n} {importlib.metadata.version(n)}" for n in names) + code.hexdigest()


def _described(value: object) -> str | None:
    """A text that determines ``value`` (a query's name, schemas and plain arguments), or
    None when it holds anything whose text would not (an array, a function, an object)."""
    if value is None or isinstance(value, (bool, int, float, str, dt.date, dt.time)):
        return f"{type(value).__qualname__}:{value!r}"
    if isinstance(value, pa.Schema):
        return "schema:" + repr(value.to_string(show_field_metadata=False))
    if isinstance(value, enum.Enum):
        return f"{type(value).__module__}.{type(value).__qualname__}.{value.name}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        inner = _described(fields)
        return (
            None if inner is None else f"{type(value).__module__}.{type(value).__qualname__}{inner}"
        )
    if isinstance(value, Mapping):
        parts = [(_described(k), _described(v)) for k, v in value.items()]
        if any(k is None or v is None for k, v in parts):
            return None
        return "{" + ",".join(f"{k}:{v}" for k, v in parts) + "}"
    if isinstance(value, (tuple, list, frozenset, set)):
        parts = [_described(v) for v in value]
        if any(p is None for p in parts):
            return None
        if isinstance(value, (frozenset, set)):
            parts = sorted(parts)
        return f"{type(value).__qualname__}(" + ",".join(parts) + ")"
    return None


# The statements this process has read, by file: a worker runs the same few for every upload.
_READ: dict[str, str] = {}


def _remembered(name: str | None) -> str | None:
    folder = _folder()
    if name is None or folder is None:
        return None
    path = folder / f"{name}.sql"
    if str(path) in _READ:
        return _READ[str(path)]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    if len(_READ) < MOST_KEPT:
        _READ[str(path)] = text
    return text


def _folder() -> Path | None:
    """This user's own folder for compiled SQL, or None when it cannot be made private
    (SQL read back from a folder another user can write to would run as ours)."""
    folder = Path(tempfile.gettempdir()) / f"segbot-sql-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
    return folder if private and not info.st_mode & 0o077 else None


def _remember(name: str | None, text: str) -> None:
    """Write under a temporary name first (the process's and thread's own): a reader never
    sees half a statement."""
    folder = _folder()
    if name is None or folder is None:
        return
    path = folder / f"{name}.sql"
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        entries = list(os.scandir(folder))
        if len(entries) >= MOST_KEPT:
            _forget_older_half(entries)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)


def _forget_older_half(entries: list[os.DirEntry]) -> None:
    """Remove the older half of the folder's files; one another process removed or is
    reading is skipped (a reader that finds it gone compiles it again)."""
    written = []
    for entry in entries:
        try:
            written.append((entry.stat().st_mtime, entry.path))
        except OSError:
            continue
    for _, path in sorted(written)[: len(written) // 2]:
        with contextlib.suppress(OSError):
            os.unlink(path)
