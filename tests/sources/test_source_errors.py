"""Every way a source fails gets one sentence naming what to fix, and never the secret.

Against the real PostgreSQL server: a port nobody listens on, a wrong password, a missing
table, a query reading a missing table, a query without the needed columns, a query with
no rows and a query slower than its timeout. The password sits in the environment mapping
the catalog reads; it must be in no message, ``str``, ``repr`` or log record.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from sources import SourceError, load_catalog, prepare_source
from tests.postgres import PostgresServer, free_port

WRONG = "wrong-Pa55-f00d"


def source(tmp_path, server: PostgresServer, database: str, body: str, *, password: str):
    path = tmp_path / "segbot.toml"
    body = body.replace("URL", server.url(database))
    path.write_text(f'[sources.shop]\npassword_env = "SHOP_DB_PASSWORD"\n{body}\n')
    return load_catalog(path, env={"SHOP_DB_PASSWORD": password}).get("shop")


def failure(shop, timeout_s: float = 30) -> SourceError:
    with pytest.raises(SourceError) as e:
        prepare_source(shop, as_of=None, timeout_s=timeout_s)
    # No driver exception chained: a traceback of it carries no connection details.
    assert e.value.__cause__ is None
    assert e.value.__context__ is None or e.value.__suppress_context__
    return e.value


CHECK = " (`segbot sources FILE --check` shows why)."
# Each case: the source's settings, the channel's sentence, and the start and end of the
# operator's (``segbot sources --check``), which alone may name hosts, ports and tables.
CASES = {
    "unreachable": (
        'url = "postgresql://segbot@127.0.0.1:{port}/shop"\ntable = "public.sales"',
        "I couldn't reach the database of source 'shop': ask the bot's operator to check that "
        "its server is up and lets the bot in" + CHECK,
        ("I couldn't reach the database of source 'shop' at 127.0.0.1:{port} (",
         "): check the host and port in the sources file and that the server is up and lets the bot in."),
    ),
    "wrong password": (
        'url = "URL"\ntable = "public.sales"',
        "The database of source 'shop' refused the bot's login: ask the bot's operator to check "
        "the password in SHOP_DB_PASSWORD.",
        ("The database of source 'shop' refused the login of segbot: check the password in "
         "SHOP_DB_PASSWORD in the sources file.", ""),
    ),
    "missing table": (
        'url = "URL"\ntable = "public.salez"',
        "The database of source 'shop' has no such table: ask the bot's operator to check the "
        "source's table" + CHECK,
        ("The database of source 'shop' has no table public.salez: check table in the sources "
         "file (schema.table).", ""),
    ),
    "query of a missing table": (
        'url = "URL"\nquery = "select * from salez"',
        "The query of source 'shop' reads a table the database does not have: ask the bot's "
        "operator to check the query" + CHECK,
        ("The query of source 'shop' reads a table the database does not have (relation \"salez\" does not exist",
         "): check the query in the sources file."),
    ),
    "query without the needed columns": (
        'url = "URL"\nquery = "select invoice_no, quantity from public.sales"',
        "The query of source 'shop' has no customer, date or price column (its columns are "
        "invoice_no, quantity): return them under those names, or map them in the source's "
        "[columns] section.",
        None,
    ),
    "query with no rows": (
        'url = "URL"\nquery = "select * from public.sales where quantity > 1000000"',
        "The query of source 'shop' returned no rows: check its filters.",
        None,
    ),
    "no purchases": (
        'url = "URL"\nquery = "select * from public.sales where customer_id is null"',
        "None of the 6,653 lines of the query of source 'shop' is a purchase with a customer, "
        "a date and a positive amount: check its column mapping.",
        None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_each_failure_is_one_sentence_without_the_secret(
    tmp_path, postgres_server, shop_db, caplog, case
):
    caplog.set_level(logging.DEBUG)
    body, said, operator = CASES[case]
    port = free_port()
    password = WRONG if case == "wrong password" else postgres_server.password
    shop = source(tmp_path, postgres_server, shop_db, body.format(port=port), password=password)
    error = failure(shop)
    message = str(error)
    assert message == said  # the channel's: no host, port, url, query or table name
    for hidden in ("127.0.0.1", str(port), "salez", "public.sales", "select "):
        assert hidden not in message
    if operator is None:
        assert error.operator is None
    else:
        start, end = operator
        assert error.operator.startswith(start.format(port=port)), error.operator
        assert error.operator.endswith(end), error.operator
    assert "\n" not in message and message.count(": ") <= 2
    for text in (message, error.operator or "", repr(error), repr(shop), str(shop), *_logged(caplog)):
        assert password not in text and postgres_server.password not in text


def _logged(caplog) -> list[str]:
    return [
        f"{r.getMessage()} {r.args!r} {r.exc_text or ''} {r.__dict__!r}" for r in caplog.records
    ]


def test_a_slow_query_stops_at_its_timeout(tmp_path, postgres_server, shop_db):
    """pg_sleep(30) behind a 1 s timeout: the sentence comes after about a second, and the
    server is no longer running the statement."""
    body = 'url = "URL"\nquery = "select s.* from public.sales s cross join pg_sleep(30)"'
    shop = source(tmp_path, postgres_server, shop_db, body, password=postgres_server.password)
    started = time.monotonic()
    error = failure(shop, timeout_s=1)
    took = time.monotonic() - started
    assert str(error) == (
        "Source 'shop' did not answer within 1 second: narrow its query or table, or raise "
        "timeout_seconds in the sources file."
    )
    assert took < 5, took
    with postgres_server.connect(shop_db) as con:
        for _ in range(50):
            (running,) = con.execute(
                "select count(*) from pg_stat_activity where query like '%pg_sleep(30)%' "
                "and pid <> pg_backend_pid() and state = 'active'"
            ).fetchone()
            if not running:
                break
            time.sleep(0.1)
    assert running == 0
    assert not [t for t in threading.enumerate() if t.name == "source-shop" and t.is_alive()]


def test_duckdb_queries_are_interrupted_at_their_timeout(tmp_path):
    """A DuckDB database source with a query that would run for minutes: interrupted."""
    slow = (
        "select (i % 100000)::varchar as customer_id, "
        "timestamp '2020-01-01' + to_seconds(i % 86400) as invoice_date, 1.0 as amount "
        "from range(5000000000) t(i)"
    )
    path = tmp_path / "segbot.toml"
    path.write_text(f'[sources.big]\nurl = "duckdb://{tmp_path}/big.duckdb"\nquery = "{slow}"\n')
    big = load_catalog(path).get("big")
    started = time.monotonic()
    with pytest.raises(SourceError, match="^Source 'big' did not answer within 1 second: "):
        prepare_source(big, as_of=None, timeout_s=1)
    assert time.monotonic() - started < 4
    for _ in range(50):  # the interrupted query ends its thread, not just our wait
        if not [t for t in threading.enumerate() if t.name == "source-big"]:
            break
        time.sleep(0.1)
    assert not [t for t in threading.enumerate() if t.name == "source-big"]
