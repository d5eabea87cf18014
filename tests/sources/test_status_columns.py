"""A source's status, refunds and stated amounts read as an upload's are: one normaliser
(``segmentation.load.values`` and ``lines``) gives both the same figures."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from segmentation.engine import prepare_frame, prepare_table
from segmentation.load import load_export
from sources.columns import normalise_table
from tests.segmentation import platform_exports as px


def _figures(prepared) -> tuple[float, float, int, dict[str, int]]:
    gross = round(float(prepared.audit.total_spend), 2)
    refunded = round(float(prepared.customers["returns_value"].sum()), 2)
    return gross, refunded, prepared.audit.customers, dict(prepared.audit.dropped)


def test_a_stripe_table_gives_the_upload_s_figures():
    frame = pd.DataFrame(px.stripe_rows())
    frame["Created date (UTC)"] = pd.to_datetime(frame["Created date (UTC)"])
    for column in ("Amount", "Amount Refunded"):
        frame[column] = frame[column].astype(float)
    table = normalise_table(ibis.memtable(frame), {}, what="The test table")
    from_source = _figures(prepare_table(table))
    upload = load_export(px.to_csv(px.stripe_rows()))
    from_upload = _figures(prepare_frame(upload.transactions))
    # Gross 100 + 50 + 60 + 1250; refunded 50 + 20; cus_A, B, D; two failed payments.
    assert from_source == from_upload == (1460.0, 70.0, 3, {"not a sale (status)": 2})


@pytest.mark.parametrize(
    "rows", [px.shopify_rows, px.woo_rows, px.stripe_rows, px.square_rows], ids=lambda f: f.__name__
)
def test_each_platform_s_lines_as_a_text_table_give_the_upload_s_figures(rows) -> None:
    # Every cell as the text the platform wrote: the source reads dates, numbers, order
    # fields on an order's first line and once-per-order refunds as the upload does.
    written = rows()
    columns = list(dict.fromkeys(c for row in written for c in row))
    frame = pd.DataFrame([[row.get(c) for c in columns] for row in written], columns=columns)
    frame = frame.replace({"": None})
    table = normalise_table(ibis.memtable(frame), {}, what="The test table")
    from_source = _figures(prepare_table(table))
    upload = load_export(px.to_csv(written))
    assert from_source == _figures(prepare_frame(upload.table))
    assert from_source[0] > 0 and from_source[2] > 0


def test_a_stated_sales_column_wins_and_statuses_read_in_any_casing():
    frame = pd.DataFrame(
        {
            "CUSTOMERNAME": ["a", "b", "c", "d"],
            "ORDERDATE": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "QUANTITYORDERED": [30.0, 10.0, 5.0, 2.0],
            "PRICEEACH": [100.0, 50.0, 20.0, 10.0],
            "SALES": [3500.40, 500.0, None, 25.0],
            "STATUS": ["Shipped", "Cancelled", "PAID", "On_Hold"],
        }
    )
    table = normalise_table(ibis.memtable(frame), {}, what="The test table")
    gross, _, customers, dropped = _figures(prepare_table(table))
    # a's SALES 3,500.40 (not 30 × 100) + c's blank SALES as 5 × 20 = 100 → 3,600.40.
    assert (gross, customers) == (3600.40, 2)
    assert dropped == {"not a sale (status)": 2}


def test_statuses_in_other_languages_read_on_the_source_s_engine():
    frame = pd.DataFrame(
        {
            "customer": ["a", "b", "c"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": [10.0, 20.0, 30.0],
            "Statut": ["Payé", "ANNULÉE", "Remboursée"],
        }
    )
    table = normalise_table(ibis.memtable(frame), {"status": "Statut"}, what="The test table")
    gross, _, customers, dropped = _figures(prepare_table(table))
    assert (gross, customers, dropped) == (40.0, 2, {"not a sale (status)": 1})
