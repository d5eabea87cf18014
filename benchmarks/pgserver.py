"""A throw-away PostgreSQL server for bench_engine.py, and the scaled data loaded into it.

Debian's ``postgresql`` binaries (initdb, pg_ctl) in a temporary folder, listening on a free
port of 127.0.0.1 only, trust authentication (nothing else can reach it), run as the
``postgres`` user when we are root (initdb refuses root); stopped and removed afterwards.
Settings are those of a modest analytics server, said in ``SETTINGS``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb

USER = "segbot"
SETTINGS = {
    "shared_buffers": "512MB",
    "work_mem": "256MB",  # per sort/hash: the default 4MB spills every aggregate to disk
    "max_parallel_workers_per_gather": "2",
    "fsync": "off",  # a benchmark's server: durability does not matter, loading speed does
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
CREATE = """
CREATE UNLOGGED TABLE {table} (
    customer_id text, invoice text, "timestamp" timestamp, product text,
    quantity double precision, price double precision, amount double precision, country text
)
"""


@contextlib.contextmanager
def running_postgres() -> Iterator[dict]:
    """Start a server; yield its connection keywords (host, port, user, database)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    bin_dir = Path(found[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="segbot-bench-pg-"))
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", _free_port()

    def run(program: str, *args: str) -> None:
        command = [str(bin_dir / program), *args]
        if as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    try:
        run("initdb", "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C")
        settings = {"listen_addresses": "'127.0.0.1'", "port": str(port)}
        settings |= {"unix_socket_directories": f"'{base}'"}
        settings |= {k: f"'{v}'" for k, v in SETTINGS.items()}
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        run("pg_ctl", "-D", str(data), "-l", str(base / "server.log"), "-w", "start")
        yield {"host": "127.0.0.1", "port": port, "user": USER, "dbname": "postgres"}
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def load(connect: dict, table: str, parquet_glob: str) -> int:
    """Create ``table`` and COPY the Parquet files' rows into it as CSV; return its rows."""
    import psycopg

    csv = Path(tempfile.mkdtemp(prefix="segbot-bench-csv-")) / "lines.csv"
    try:
        con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{parquet_glob}')) TO '{csv}' (FORMAT csv, HEADER)"
        )
        con.close()
        with psycopg.connect(**connect, autocommit=True) as pg, pg.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(CREATE.format(table=table))
            with (
                cur.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER)") as copy,
                csv.open("rb") as lines,
            ):
                while chunk := lines.read(1 << 20):
                    copy.write(chunk)
            cur.execute(f"VACUUM ANALYZE {table}")
            return cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        shutil.rmtree(csv.parent, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
