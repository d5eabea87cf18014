"""Which lines are cancellations or returns: UCI "C" invoices and negative lines, nothing else."""

from __future__ import annotations

import ibis
import pandas as pd

from segmentation.engine import prepare_frame
from segmentation.engine.query import cancelled
from segmentation.load import load_export

HEADER = "Order ID,Customer ID,Order Date,Quantity,Unit Price\n"


def cancellation_mask(frame: pd.DataFrame) -> list[bool]:
    """The engine's cancellation rule, line by line, on DuckDB."""
    columns = ["customer_id", "invoice", "quantity", "amount"]
    table = ibis.memtable(frame[columns].astype({"customer_id": object, "invoice": object}))
    marked = table.mutate(line=ibis.row_number(), cancelled=cancelled(table)).order_by("line")
    return ibis.duckdb.connect().execute(marked)["cancelled"].tolist()


def returns_by_customer(export) -> dict[str, float]:
    """Returned value per customer who bought (the returns column of the features)."""
    customers = prepare_frame(export.transactions).customers
    return customers["returns_value"][customers["returns_value"] > 0].to_dict()


def _lines(*rows: str):
    return load_export((HEADER + "".join(f"{row}\n" for row in rows)).encode(), name="x.csv")


def test_superstore_order_ids_starting_with_c_are_purchases():
    export = _lines(
        "CA-2019-152156,CG-12520,11/8/2019,2,130.98",
        "ca-2019-138688,DV-13045,6/12/2019,2,7.31",
        "US-2018-108966,SO-20335,10/11/2018,5,191.52",
    )
    audit = prepare_frame(export.transactions).audit
    assert not any(cancellation_mask(export.transactions))
    assert audit.cancellations == 0 and audit.cancelled_lines == 0
    assert audit.rows_kept == 3
    assert returns_by_customer(export) == {}


def test_uci_c_invoices_are_cancellations_in_any_case():
    export = _lines(
        "536365,17850,12/1/2010 8:26,6,2.55",
        "C536379,14527,12/1/2010 9:41,-1,27.50",
        "c536380,14527,12/1/2010 9:45,-2,1.00",
    )
    audit = prepare_frame(export.transactions).audit
    assert cancellation_mask(export.transactions) == [False, True, True]
    assert audit.cancellations == 2 and audit.cancelled_lines == 2
    assert returns_by_customer(export) == {}  # 14527 returned 29.50 but bought nothing here


def test_negative_quantity_or_amount_is_a_return_without_a_c_invoice():
    data = (
        "customer,date,order,quantity,price,amount\n"
        "a,2023-01-01,1001,2,5,\n"
        "b,2023-01-02,1000,1,9,\n"
        "a,2023-01-03,1002,-1,5,\n"  # goods back
        "b,2023-01-04,1003,1,-4,\n"  # money back
        ",2023-01-05,1004,-3,0,\n"  # no customer: a stock write-off, not a return
    )
    export = load_export(data.encode(), name="x.csv")
    assert cancellation_mask(export.transactions) == [False, False, True, True, False]
    assert returns_by_customer(export) == {"a": 5.0, "b": 4.0}


def test_a_line_that_is_both_c_and_negative_is_counted_once():
    export = _lines("536378,14527,12/1/2010 9:30,1,5.00", "C536379,14527,12/1/2010 9:41,-3,2.00")
    audit = prepare_frame(export.transactions).audit
    assert audit.cancelled_lines == 1
    assert returns_by_customer(export) == {"14527": 6.0}


def test_hand_made_frame_with_plain_text_invoices():
    frame = pd.DataFrame(
        {
            "customer_id": ["1", "2", None],
            "invoice": ["C12", "CA-1", None],
            "quantity": [1.0, 1.0, -1.0],
            "amount": [3.0, 4.0, -1.0],
        }
    )
    assert cancellation_mask(frame) == [True, False, False]


def test_an_export_with_half_a_million_orders_keeps_each_order_on_its_own_line():
    # Over 500,000 order ids, several times what DuckDB reads at a time (122,880): each
    # customer buys once at a price of their own, and one in thirteen cancels it (a pattern
    # no block of 122,880 lines repeats), so an order id read against another line's would
    # show in the cancellations and the returns.
    customers = 470_000
    rows = []
    for c in range(customers):
        price = f"{1 + c % 7}.25"
        rows.append(f"{2 * c},{c}.0,1/{1 + c % 28}/2020,1,{price}")
        if c % 13 == 0:
            rows.append(f"C{2 * c + 1},{c}.0,2/{1 + c % 28}/2020,-1,{price}")
    export = _lines(*rows)
    audit = prepare_frame(export.transactions).audit
    cancelling = range(0, customers, 13)
    assert (audit.cancellations, audit.cancelled_lines) == (len(cancelling), len(cancelling))
    returns = returns_by_customer(export)
    assert returns == {str(c): 1 + c % 7 + 0.25 for c in cancelling}
