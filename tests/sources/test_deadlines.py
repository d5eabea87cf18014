"""Work past its deadline ends: after 100 timed-out source reads and 100 failed downloads in
one worker's threads, its threads, open files and sockets, database sessions and temporary
files are back where they started.

The reads time out three ways: a PostgreSQL query sleeping on a real server, a DuckDB query
that would scan five billion rows, and a files source whose URL trickles a byte every 10 ms.
The downloads are Slack file downloads from a server that trickles or closes mid-body. The
HTTP server runs in its own process, so every thread and descriptor counted is the reader's.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.slack.files import Limits, download
from sources import SourceError, load_catalog, prepare_source
from tests.postgres import PostgresServer

TIMEOUT_S = 0.05
SERVER = r"""
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            if self.path.startswith("/cut"):
                self.wfile.write(b"Customer,Date\n1,2024-01-01\n")
                return
            for _ in range(100000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.01)
        except OSError:
            pass

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_port, flush=True)
server.serve_forever()
"""
SLOW_DUCKDB = (
    "select (i % 100000)::varchar as customer_id, "
    "timestamp '2020-01-01' + to_seconds(i % 86400) as invoice_date, 1.0 as amount "
    "from range(5000000000) t(i)"
)
SLOW_POSTGRES = "select 'c1' as customer_id, now() as invoice_date, 1.0 as amount from pg_sleep(30)"


@pytest.fixture
def trickling() -> Iterator[str]:
    """The origin of an HTTP server, in another process, whose bodies never arrive whole."""
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        yield f"http://127.0.0.1:{int(server.stdout.readline())}"
    finally:
        server.kill()
        server.wait()


def test_timed_out_reads_and_failed_downloads_leave_nothing_behind(
    tmp_path: Path, trickling: str, postgres_server: PostgresServer, monkeypatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where source downloads go
    catalog = _catalog(tmp_path, trickling, postgres_server)
    sources = [catalog.get(name) for name in ("shop", "big", "feed")]

    def read(i: int) -> str:
        with pytest.raises(SourceError) as e:
            prepare_source(sources[i % 3], as_of=None, timeout_s=TIMEOUT_S)
        return str(e.value)

    def fetch(i: int) -> str:
        with pytest.raises(UserError) as e:
            download(
                f"{trickling}/{'cut' if i % 2 else 'slow'}.csv", token="xoxb-secret",
                hosts=(trickling,), max_bytes=10**7, name="orders.csv",
                limits=Limits(idle=TIMEOUT_S, grace=TIMEOUT_S, min_rate=10**6, total=0.1),
            )  # fmt: skip
        return str(e.value)

    read(0), read(1), read(2), fetch(0), fetch(1)  # imports and first connections made
    before = _counts(scratch, postgres_server)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="job") as pool:
        said = list(pool.map(read, range(100))) + list(pool.map(fetch, range(100)))
    took = time.monotonic() - started
    after = _settled(before, scratch, postgres_server)

    assert after == before
    assert took < 20, took
    assert {s.split(":")[0] for s in said[:100]} == {
        f"Source '{name}' did not answer within 0.05 seconds" for name in ("shop", "big", "feed")
    }
    assert {s.split(":")[0] for s in said[100:]} == {
        "Slack was too slow sending `orders.csv`",
        "The download of `orders.csv` was cut off",
    }


def _catalog(tmp_path: Path, origin: str, server: PostgresServer):
    path = tmp_path / "segbot.toml"
    path.write_text(
        f'[sources.shop]\nurl = "{server.url()}"\npassword_env = "PG_PASSWORD"\n'
        f'query = "{SLOW_POSTGRES}"\n'
        f'[sources.big]\nurl = "duckdb://{tmp_path}/big.duckdb"\nquery = "{SLOW_DUCKDB}"\n'
        f'[sources.feed]\nurl = "{origin}/export.csv"\nallowed_hosts = ["127.0.0.1"]\n'
    )
    return load_catalog(path, env={"PG_PASSWORD": server.password})


def _settled(before: dict[str, int], scratch: Path, server: PostgresServer) -> dict[str, int]:
    """``_counts`` once what the reads let go of is closed, waited for up to 5 s: on a busy
    machine a socket or file the last reads dropped may still be open when they return, or
    held by an object the collector has not reached yet. What leaks stays counted."""
    deadline = time.monotonic() + 5
    while True:
        gc.collect()
        after = _counts(scratch, server)
        if after == before or time.monotonic() > deadline:
            return after
        time.sleep(0.1)


def _counts(scratch: Path, server: PostgresServer) -> dict[str, int]:
    """This process's threads and open descriptors (files and sockets), the temporary files
    and the bot's sessions on the database server (which notes a closed one a moment later)."""
    counts = {
        "threads": threading.active_count(),
        "descriptors": len(os.listdir("/proc/self/fd")),
        "temporary files": sum(1 for _ in scratch.rglob("*")),
    }
    with server.connect() as con:
        for _ in range(50):
            (sessions,) = con.execute(
                "select count(*) from pg_stat_activity where application_name = 'segbot'"
            ).fetchone()
            if not sessions:
                break
            time.sleep(0.05)
    return {**counts, "database sessions": sessions}
