"""A real PostgreSQL server for the tests: Debian's ``postgresql`` package, started in a
temporary data directory on a free port of 127.0.0.1 and stopped at the end of the session.

Every statement the server receives is written to its log (``log_statement = 'all'``), so a
test can read the SQL that reached the server (``PostgresServer.statements``). The superuser
``segbot`` logs in with a password over TCP (scram-sha-256), so a wrong password is refused
as it would be in production. As root the server runs as the ``postgres`` user (initdb
refuses root). Where the package is missing the tests skip with the reason; in CI
(``CI=true``) they fail instead, as ``.ci/run`` installs it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

USER = "segbot"
PASSWORD = "pg-test-Secret-7e1f"  # a test server's, on 127.0.0.1 only
# "2025-11-30 19:00:00.123 UTC [4242] segbot@shop LOG:  statement: SELECT …" (continuation
# lines of a multi-line statement follow with a tab).
PREFIX = "%m [%p] %u@%d "
STATEMENT = re.compile(r"^\S+ \S+ \S+ \[\d+\] \S* LOG:  (?:statement|execute [^:]*): (.*)$")


# The UCI columns as a shop's database names them, and the table that holds them.
SALES_COLUMNS = {
    "InvoiceNo": "invoice_no",
    "StockCode": "stock_code",
    "Description": "description",
    "Quantity": "quantity",
    "InvoiceDate": "invoice_date",
    "UnitPrice": "unit_price",
    "CustomerID": "customer_id",
    "Country": "country",
}
CREATE_SALES = """
create table public.sales (
    invoice_no text, stock_code text, description text, quantity integer,
    invoice_date timestamp, unit_price double precision, customer_id double precision,
    country text
)
"""


@dataclass(frozen=True)
class PostgresServer:
    """A running server: where it listens, how to log in and where it logs."""

    host: str
    port: int
    user: str
    password: str
    log_path: Path

    def url(self, database: str = "postgres") -> str:
        """The server's URL without the password, as a sources file would write it."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=database,
            autocommit=True,
        )

    def create_database(self, name: str) -> str:
        """A fresh, empty database ``name`` (dropped first if a previous test left one)."""
        with self.connect() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            con.execute(f'CREATE DATABASE "{name}"')
        return name

    def log_offset(self) -> int:
        return self.log_path.stat().st_size

    def statements(self, since: int = 0, database: str | None = None) -> list[str]:
        """The SQL statements the server received after byte ``since`` of its log, in order,
        optionally only those run in ``database``."""
        with self.log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode("utf-8", "replace")
        found: list[str] = []
        current: list[str] | None = None
        for line in text.split("\n"):  # not splitlines: a statement may hold \r or \x0b
            if line.startswith("\t") and current is not None:
                current.append(line[1:])
                continue
            if current is not None:
                found.append("\n".join(current))
                current = None
            match = STATEMENT.match(line)
            if match and (database is None or f"@{database} LOG:" in line):
                current = [match.group(1)]
        if current is not None:
            found.append("\n".join(current))
        return found


def postgres_bin() -> Path | None:
    """Debian's newest PostgreSQL binaries folder, or None when the package is missing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a throw-away server, yield it, stop it and remove its files."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        _missing("PostgreSQL is not installed (apt-get install postgresql)")
    as_root = os.geteuid() == 0
    if as_root and shutil.which("runuser") is None:
        _missing("running as root needs runuser to start PostgreSQL as the postgres user")
    base = Path(tempfile.mkdtemp(prefix="segbot-pg-"))
    run = _runner(base, as_root)
    data, log = base / "data", base / "server.log"
    (base / "pwfile").write_text(PASSWORD + "\n")
    run(
        bin_dir / "initdb",
        "-D", str(data), "-U", USER, "--pwfile", str(base / "pwfile"),
        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
    )  # fmt: skip
    port = free_port()
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(_settings(port, base))
    run(bin_dir / "pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "start")
    try:
        yield PostgresServer("127.0.0.1", port, USER, PASSWORD, log)
    finally:
        run(bin_dir / "pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(base, ignore_errors=True)


def _settings(port: int, base: Path) -> str:
    return (
        f"\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
        f"unix_socket_directories = '{base}'\n"
        "log_statement = 'all'\n"
        f"log_line_prefix = '{PREFIX}'\n"
        "log_timezone = 'UTC'\n"
        # A test server: durability does not matter, start-up and loading speed do.
        "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        "shared_buffers = 64MB\nmax_connections = 40\n"
    )


def _runner(base: Path, as_root: bool):
    """A function running a PostgreSQL program, as the postgres user when we are root."""
    if as_root:
        shutil.chown(base, "postgres", "postgres")
        (base / "server.log").touch()
        shutil.chown(base / "server.log", "postgres", "postgres")
    base.chmod(0o700)

    def run(program: Path, *args: str, check: bool = True) -> None:
        command = [str(program), *args]
        if as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise RuntimeError(f"{program.name} failed ({done.returncode}): {done.stderr[-2000:]}")

    return run


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs a real PostgreSQL server: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (one per xdist worker)."""
    with running_postgres() as server:
        yield server


def load_sales(server: PostgresServer, database: str, lines: pd.DataFrame) -> None:
    """Create ``public.sales`` in ``database`` and COPY in ``lines`` (a frame of
    ``SALES_COLUMNS``' values, in that order)."""
    with server.connect(database) as con:
        con.execute(CREATE_SALES)
        with con.cursor().copy(
            f"COPY public.sales ({', '.join(SALES_COLUMNS.values())}) FROM STDIN"
        ) as copy:
            for row in lines.itertuples(index=False):
                copy.write_row([None if pd.isna(v) else v for v in row])
        con.execute("analyze public.sales")
