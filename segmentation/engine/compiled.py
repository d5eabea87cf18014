"""DuckDB SQL for ibis expressions, compiled once per machine rather than once per process.

Compiling an expression costs 10–100 ms (sqlglot), and a command that segments one file
compiles a handful: more than the work itself on a small export. The SQL depends only on
the expression, so it is kept in a private folder, named by a fingerprint of the whole
expression tree (every node's kind and arguments, literals written out in full) and of
the ibis and sqlglot versions. A changed expression has another name; nothing is ever
looked up by anything less than the whole tree.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import threading
from pathlib import Path

import ibis
import ibis.expr.operations as ops
import sqlglot
from ibis.common.grounds import Concrete

VERSIONS = f"ibis {ibis.__version__}; sqlglot {sqlglot.__version__}; duckdb"
# segbot compiles a few dozen shapes; past this many files something makes fingerprints
# differ between runs, and the folder stops growing.
MOST_KEPT = 1000


def duckdb_sql(node: ops.Node) -> str:
    """The DuckDB SQL of ``node``'s expression, from the folder when it was compiled before."""
    folder = _folder()
    path = None if folder is None else folder / f"{fingerprint(node)}.sql"
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            pass
    text = str(ibis.to_sql(node.to_expr(), dialect="duckdb"))
    if path is not None:
        _write(path, text)
    return text


def fingerprint(node: ops.Node) -> str:
    """A digest of the whole expression tree: equal for equal trees in any process."""
    digest = hashlib.sha256(VERSIONS.encode())
    seen: dict[int, str] = {}
    digest.update(_describe(node, seen).encode())
    return digest.hexdigest()[:40]


def _describe(value: object, seen: dict[int, str]) -> str:
    """A text that determines ``value``: nodes by kind and arguments (each shared node
    written once and referred to after), collections item by item, sets sorted."""
    if isinstance(value, Concrete):
        key = id(value)
        if key not in seen:
            args = ",".join(
                f"{name}={_describe(arg, seen)}"
                for name, arg in zip(value.__argnames__, value.__args__, strict=True)
            )
            seen[key] = f"#{len(seen)}"
            return f"{type(value).__module__}.{type(value).__qualname__}({args})"
        return seen[key]
    if isinstance(value, dict) or hasattr(value, "items"):
        return "{" + ",".join(f"{k!r}:{_describe(v, seen)}" for k, v in value.items()) + "}"
    if isinstance(value, (frozenset, set)):
        return "set(" + ",".join(sorted(_describe(v, seen) for v in value)) + ")"
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(_describe(v, seen) for v in value) + ")"
    return f"{type(value).__qualname__}:{value!r}"


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


def _write(path: Path, text: str) -> None:
    """Write under a temporary name first (the process's and thread's own): a reader never
    sees half a statement."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        if sum(1 for _ in os.scandir(path.parent)) >= MOST_KEPT:
            return
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
