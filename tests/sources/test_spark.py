"""Spark in local mode runs the same expression: on all 541,909 real lines it gives the
audit and per-customer features DuckDB gives (slow: Spark starts in ~10 s, the job ~40 s)."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pytest

from segmentation.engine import prepare_table
from sources import Source, prepare_source
from sources.columns import normalise_table

pytestmark = pytest.mark.slow


def test_spark_gives_the_features_duckdb_gives(spark_session, real_path):
    spark = ibis.pyspark.connect(spark_session)
    raw = spark.read_parquet(str(real_path))
    on_spark = prepare_table(normalise_table(raw, {}, what="The real data"))
    files = Source(name="real", kind="files", description="the UCI data", path=str(real_path))
    on_duckdb = prepare_source(files, as_of=None, timeout_s=120)

    assert on_spark.audit.rows_read == 541_909
    assert (on_spark.audit.rows_kept, on_spark.audit.customers) == (397_884, 4_338)
    assert on_spark.as_of == on_duckdb.as_of
    assert {**vars(on_spark.audit), "total_spend": 0} == {**vars(on_duckdb.audit), "total_spend": 0}
    assert on_spark.audit.total_spend == pytest.approx(on_duckdb.audit.total_spend, rel=1e-12)
    pd.testing.assert_frame_equal(
        on_spark.customers, on_duckdb.customers, check_exact=False, rtol=1e-12
    )
    assert on_spark.holdout.start == on_duckdb.holdout.start == dt.date(2011, 9, 11)
    pd.testing.assert_frame_equal(
        on_spark.holdout.customers, on_duckdb.holdout.customers, check_exact=False, rtol=1e-12
    )
