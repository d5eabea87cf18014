"""The real lines written as a Shopify orders export: the customers and money segbot reports
are those worked out from the file itself, by the rules the README states, with pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.bench_platforms import shopify_export
from segmentation.load import load_export
from segmentation.pipeline import segment_export


def oracle(shop: pd.DataFrame) -> dict[str, float]:
    """From the file's own columns: an order's e-mail, status and refund are on its first line;
    voided orders took no money; a line's value is Lineitem price × quantity; returns are the
    customers' negative lines and each order's refund (never more than the order sold)."""
    first = shop.drop_duplicates("Name").set_index("Name")
    email = shop["Name"].map(first["Email"])
    status = shop["Name"].map(first["Financial Status"]).str.lower()
    refund = pd.to_numeric(shop["Name"].map(first["Refunded Amount"])).abs()
    value = shop["Lineitem quantity"] * shop["Lineitem price"]
    money = (status != "voided") & email.ne("")
    sold = money & (shop["Lineitem quantity"] > 0) & (shop["Lineitem price"] > 0)
    buyers = set(email[sold])
    theirs = money & email.isin(buyers)
    orders = pd.DataFrame(
        {"order": shop["Name"], "sold": value.where(value > 0, 0.0), "refund": refund}
    )
    per_order = (
        orders[theirs].groupby("order").agg(sold=("sold", "sum"), refund=("refund", "first"))
    )
    returned = value[theirs & (shop["Lineitem quantity"] < 0)].abs().sum()
    returned += np.minimum(per_order["refund"], per_order["sold"]).sum()
    return {
        "kept": int(sold.sum()),
        "customers": len(buyers),
        "gross": round(float(value[sold].sum()), 2),
        "returned": round(float(returned), 2),
    }


def test_a_shopify_export_reports_the_money_its_file_states(real_frame):
    shop = shopify_export(real_frame)
    expected = oracle(shop)
    written = shop.to_csv(index=False).encode()
    summary = segment_export(load_export(written, name="orders_export.csv")).summary
    assert (summary.rows_kept, summary.customers) == (expected["kept"], expected["customers"])
    assert round(summary.total_spend, 2) == expected["gross"]
    assert round(summary.returned_value, 2) == expected["returned"]
    assert "Read as a Shopify orders export." in summary.notes
