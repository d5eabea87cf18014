"""Fixtures for the sources tests: the first 20,000 lines of the real UCI data, in a real
PostgreSQL database (``shop``, table ``public.sales``) and in a Parquet file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.postgres import SALES_COLUMNS, PostgresServer, load_sales

LINES = 20_000


@pytest.fixture(scope="session")
def shop_lines(real_frame: pd.DataFrame) -> pd.DataFrame:
    """The real data's first 20,000 lines (cancellations, missing customers and all)."""
    return real_frame.head(LINES).rename(columns=SALES_COLUMNS)


@pytest.fixture(scope="session")
def shop_parquet(shop_lines: pd.DataFrame, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("shop") / "sales.parquet"
    shop_lines.to_parquet(path, index=False)
    return path


@pytest.fixture(scope="session")
def shop_db(postgres_server: PostgresServer, shop_lines: pd.DataFrame) -> str:
    """A database ``shop`` whose ``public.sales`` holds ``shop_lines``, loaded with COPY."""
    database = postgres_server.create_database("shop")
    load_sales(postgres_server, database, shop_lines)
    return database
