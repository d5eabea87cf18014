"""Product id, name and category: guessed from the headers exports use, mappable, optional."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from segmentation.load import load_export
from segmentation.load.columns import match_columns

CASES = [
    # Online Retail
    (["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"],
     {"product": "StockCode", "product_name": "Description"}),
    # a superstore export: the sub-category is what an offer names
    (["Order ID", "Order Date", "Customer ID", "Product ID", "Category", "Sub-Category", "Product Name", "Sales"],
     {"product": "Product ID", "product_name": "Product Name", "category": "Sub-Category"}),
    # a sales sample
    (["ORDERNUMBER", "QUANTITYORDERED", "PRICEEACH", "ORDERDATE", "PRODUCTLINE", "PRODUCTCODE", "CUSTOMERNAME"],
     {"product": "PRODUCTCODE", "category": "PRODUCTLINE"}),
    # Shopify: "Name" is the order number, never the product's name
    (["Name", "Email", "Created at", "Lineitem quantity", "Lineitem price", "Lineitem name", "Lineitem sku"],
     {"product": "Lineitem sku", "product_name": "Lineitem name", "invoice": "Name"}),
    # WooCommerce
    (["Order Number", "Order Date", "Order Status", "Email (Billing)", "SKU", "Item Name", "Quantity", "Item Cost"],
     {"product": "SKU", "product_name": "Item Name"}),
    # Square item sales
    (["Date", "Transaction ID", "Category", "Item", "SKU", "Qty", "Gross Sales", "Net Sales", "Customer ID"],
     {"product": "SKU", "product_name": "Item", "category": "Category"}),
    # a name alone is the id and the name
    (["Customer", "Date", "Item Title", "Amount"],
     {"product": "Item Title", "product_name": "Item Title"}),
]  # fmt: skip


@pytest.mark.parametrize(("headers", "expected"), CASES)
def test_product_columns_are_guessed_from_the_headers_exports_use(headers, expected):
    mapping = match_columns(headers)
    assert {f: mapping.get(f) for f in expected} == expected
    for field in {"product", "product_name", "category"} - set(expected):
        assert field not in mapping


def test_product_fields_are_mappable_and_read_as_text():
    frame = pd.DataFrame(
        {
            "client": ["a", "a", "b"],
            "day": ["2023-01-01", "2023-01-02", "2023-01-03"],
            "total": [5.0, 6.0, 7.0],
            "ref": [" X1 ", "X2", "X1"],
            "label": ["Mug", "Cup", "Mug"],
            "shelf": ["Kitchen", "Kitchen", "Kitchen"],
        }
    )
    mapping = {"customer": "client", "date": "day", "amount": "total", "product": "ref",
               "product_name": "label", "category": "shelf"}  # fmt: skip
    export = load_export(frame.to_csv(index=False).encode(), name="x.csv", mapping=mapping)
    t = export.transactions
    assert t["product"].astype(str).tolist() == ["X1", "X2", "X1"]
    assert t["product_name"].astype(str).tolist() == ["Mug", "Cup", "Mug"]
    assert t["category"].astype(str).tolist() == ["Kitchen"] * 3


def test_an_export_without_product_columns_has_none():
    data = "customer,date,amount\na,2023-01-01,5\nb,2023-01-02,6\n"
    export = load_export(io.BytesIO(data.encode()).getvalue(), name="x.csv")
    assert "product_name" not in export.transactions and "category" not in export.transactions
    assert export.transactions["product"].isna().all()
