"""Fixtures for the sources tests: the first 20,000 lines of the real UCI data, in a real
PostgreSQL database (``shop``, table ``public.sales``) and in a Parquet file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.postgres import PostgresServer

LINES = 20_000
COLUMNS = {  # the UCI columns as a shop's database would name them
    "InvoiceNo": "invoice_no",
    "StockCode": "stock_code",
    "Description": "description",
    "Quantity": "quantity",
    "InvoiceDate": "invoice_date",
    "UnitPrice": "unit_price",
    "CustomerID": "customer_id",
    "Country": "country",
}
CREATE = """
create table public.sales (
    invoice_no text, stock_code text, description text, quantity integer,
    invoice_date timestamp, unit_price double precision, customer_id double precision,
    country text
)
"""


@pytest.fixture(scope="session")
def shop_lines(real_frame: pd.DataFrame) -> pd.DataFrame:
    """The real data's first 20,000 lines (cancellations, missing customers and all)."""
    return real_frame.head(LINES).rename(columns=COLUMNS)


@pytest.fixture(scope="session")
def shop_parquet(shop_lines: pd.DataFrame, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("shop") / "sales.parquet"
    shop_lines.to_parquet(path, index=False)
    return path


@pytest.fixture(scope="session")
def shop_db(postgres_server: PostgresServer, shop_lines: pd.DataFrame) -> str:
    """A database ``shop`` whose ``public.sales`` holds ``shop_lines``, loaded with COPY."""
    database = postgres_server.create_database("shop")
    with postgres_server.connect(database) as con:
        con.execute(CREATE)
        with con.cursor().copy(
            f"COPY public.sales ({', '.join(COLUMNS.values())}) FROM STDIN"
        ) as copy:
            for row in shop_lines.itertuples(index=False):
                copy.write_row([None if pd.isna(v) else v for v in row])
        con.execute("analyze public.sales")
    return database
