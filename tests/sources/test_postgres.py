"""A real PostgreSQL source: the aggregation runs on the server and agrees with DuckDB.

The first 20,000 lines of the UCI data are in ``shop.public.sales`` (loaded with COPY) and in
a Parquet file; a source bound to the table, and one bound to a query, give the same audit
and per-customer features as the files source (DuckDB) and as an upload of the same lines.
The server's log shows what reached it: aggregates, never the transactions themselves.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from segmentation.engine import prepare_frame
from segmentation.load import load_export
from sources import Source, load_catalog, prepare_source
from tests.postgres import PostgresServer

QUERY = "select * from public.sales where country <> 'Nowhere'"


def shop_sources(tmp_path, server: PostgresServer, database: str, parquet) -> dict[str, Source]:
    path = tmp_path / "segbot.toml"
    path.write_text(
        f"""
[sources.table]
url = "{server.url(database)}"
password_env = "SHOP_DB_PASSWORD"
table = "public.sales"

[sources.query]
url = "{server.url(database)}"
password_env = "SHOP_DB_PASSWORD"
query = "{QUERY}"

[sources.files]
path = "{parquet}"
"""
    )
    catalog = load_catalog(path, env={"SHOP_DB_PASSWORD": server.password})
    return {s.name: s for s in catalog.sources}


@pytest.fixture
def sources(tmp_path, postgres_server, shop_db, shop_parquet):
    return shop_sources(tmp_path, postgres_server, shop_db, shop_parquet)


def assert_same(a, b):
    assert a.as_of == b.as_of
    assert a.audit.rows_read == b.audit.rows_read
    assert {**vars(a.audit), "total_spend": 0} == {**vars(b.audit), "total_spend": 0}
    assert a.audit.total_spend == pytest.approx(b.audit.total_spend, rel=1e-12)
    pd.testing.assert_frame_equal(a.customers, b.customers, check_exact=False, rtol=1e-12)
    # The stretch held out to check predictions on, measured by each engine alike.
    assert (a.holdout is None) == (b.holdout is None)
    if a.holdout is not None:
        assert (a.holdout.start, a.holdout.end) == (b.holdout.start, b.holdout.end)
        pd.testing.assert_frame_equal(
            a.holdout.customers, b.holdout.customers, check_exact=False, rtol=1e-12
        )


@pytest.mark.parametrize("name", ["table", "query"])
def test_postgres_gives_the_features_duckdb_gives(sources, shop_parquet, name):
    on_postgres = prepare_source(sources[name], as_of=None, timeout_s=60)
    on_duckdb = prepare_source(sources["files"], as_of=None, timeout_s=60)
    export = load_export(shop_parquet)
    uploaded = prepare_frame(export.transactions, rows_read=export.rows_read)
    assert_same(on_postgres, on_duckdb)
    assert_same(on_postgres, uploaded)
    assert on_postgres.audit.rows_read == 20_000
    assert len(on_postgres.customers) == on_postgres.audit.customers > 500
    assert on_postgres.customers.index[0] == "12347"  # 12347.0 in the database: one id


def test_as_of_is_applied_on_the_server(sources):
    import datetime as dt

    on_postgres = prepare_source(sources["table"], as_of=dt.date(2010, 12, 5), timeout_s=60)
    on_duckdb = prepare_source(sources["files"], as_of=dt.date(2010, 12, 5), timeout_s=60)
    assert_same(on_postgres, on_duckdb)
    assert on_postgres.customers["recency_days"].min() >= 0


@pytest.mark.parametrize("name", ["table", "query"])
def test_only_aggregates_reach_the_server(sources, postgres_server, shop_db, name):
    """Every statement reading the sales is an aggregate: the audit's totals (one row), its
    count of different lines (one row) and one GROUP BY customer (over a GROUP BY order); no
    statement returns the transactions themselves."""
    since = postgres_server.log_offset()
    prepared = prepare_source(sources[name], as_of=None, timeout_s=60)
    statements = postgres_server.statements(since, database=shop_db)
    reading = [s for s in statements if re.search(r"\bsales\b", s, re.I)]
    if name == "query":  # ibis learns the query's columns from a temporary view, reading nothing
        views = [s for s in reading if s.startswith("CREATE TEMPORARY VIEW")]
        assert len(views) == 1 and views[0].endswith(
            " AS SELECT * FROM public.sales WHERE country <> 'Nowhere'"
        )
        reading = [s for s in reading if s not in views]
    grouped = [s for s in reading if "GROUP BY" in s]
    assert len(grouped) == 1 and len(reading) == 3, reading
    assert re.search(r"GROUP BY 1, 2\)", grouped[0])  # one group per customer and order...
    assert re.search(r"GROUP BY 1\)", grouped[0])  # ...then one per customer
    totals, different = sorted(s for s in reading if s not in grouped)
    assert 'COUNT(*) AS "lines"' in different + totals  # one row of counts
    assert 'COUNT(*) AS "distinct_lines"' in different + totals  # one number
    assert not [
        s for s in reading if re.match(r'\s*SELECT\s+\*\s+FROM\s+"?(public\.)?sales', s, re.I)
    ]
    # What came back: the audit's one row, and one row per customer.
    assert len(prepared.customers) == prepared.audit.customers


def test_the_query_s_row_count_is_in_the_audit(postgres_server, shop_db, tmp_path, shop_parquet):
    sources = shop_sources(tmp_path, postgres_server, shop_db, shop_parquet)
    france = Source(
        name="france",
        kind="database",
        description="French sales",
        url=sources["table"].url,
        password=sources["table"].password,
        query="select * from public.sales where country = 'France'",
    )
    prepared = prepare_source(france, as_of=None, timeout_s=60)
    with postgres_server.connect(shop_db) as con:
        (lines,) = con.execute(
            "select count(*) from public.sales where country = 'France'"
        ).fetchone()
    assert prepared.audit.rows_read == lines > 0


def test_a_campaign_read_out_runs_on_the_server_and_agrees_with_duckdb(sources, shop_parquet):
    import datetime as dt

    from segmentation.engine.outcomes import campaign_outcomes
    from sources import source_outcomes

    export = load_export(shop_parquet)
    ids = sorted(export.transactions["customer_id"].dropna().astype(str).unique())
    members = ids[::3] + ["nobody"]
    window = {"start": dt.datetime(2010, 12, 8), "end": dt.datetime(2010, 12, 15)}
    on_postgres = source_outcomes(sources["table"], members, **window)
    on_duckdb = source_outcomes(sources["files"], members, **window)
    uploaded = campaign_outcomes(export.transactions, members, **window)
    for rows, last in (on_postgres, on_duckdb):
        pd.testing.assert_frame_equal(rows, uploaded[0], check_exact=False, rtol=1e-12)
        assert last == uploaded[1]
    assert set(on_postgres[0].index) <= set(members) and "nobody" not in on_postgres[0].index
    assert on_postgres[0]["orders"].gt(0).sum() > 30  # buyers inside the week: 44 of 187


def test_products_are_computed_on_the_server_as_aggregates(sources, postgres_server, shop_db):
    """What each segment over-indexes on is worked out by Postgres: every statement reading
    the sales groups them; none returns lines. And it agrees with DuckDB on the same lines."""
    from segmentation.pipeline import segment_prepared
    from sources import source_products

    prepared = prepare_source(sources["table"], as_of=None, timeout_s=60)
    labels = segment_prepared(prepared, k=3).customers["segment"]
    since = postgres_server.log_offset()
    on_postgres = source_products(sources["table"], labels, as_of=prepared.as_of)
    statements = postgres_server.statements(since, database=shop_db)
    reading = [s for s in statements if re.search(r"\bsales\b", s, re.I)]
    assert reading and all("GROUP BY" in s for s in reading), reading
    assert not [
        s for s in reading if re.match(r"\s*SELECT\s+\*\s+FROM\s+\"?(public\.)?sales", s, re.I)
    ]
    on_duckdb = source_products(sources["files"], labels, as_of=prepared.as_of)
    assert on_postgres.segments == on_duckdb.segments and on_postgres.segments
    assert any(s.products for s in on_postgres.segments.values())
    pd.testing.assert_frame_equal(on_postgres.customers, on_duckdb.customers)
