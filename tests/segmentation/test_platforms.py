"""Platform exports read as they are: customers, gross, refunded and net revenue worked out
by hand from each fixture's lines (tests/segmentation/platform_exports.py)."""

from __future__ import annotations

import pytest

from segmentation.engine import prepare_frame
from segmentation.errors import ExportError
from segmentation.load import load_export
from tests.segmentation import platform_exports as px


def _figures(data: bytes, name: str = "export.csv") -> tuple[dict, list[str]]:
    export = load_export(data, name=name)
    prepared = prepare_frame(export.transactions, rows_read=export.rows_read)
    gross = round(float(prepared.audit.total_spend), 2)
    refunded = round(float(prepared.customers["returns_value"].sum()), 2)
    figures = {
        "read": prepared.audit.rows_read,
        "kept": prepared.audit.rows_kept,
        "customers": prepared.audit.customers,
        "gross": gross,
        "refunded": refunded,
        "net": round(gross - refunded, 2),
        "dropped": dict(prepared.audit.dropped),
    }
    return figures, export.notes


def test_a_shopify_orders_export():
    figures, notes = _figures(px.to_csv(px.shopify_rows()), "orders_export_1.csv")
    # Lines: #1001 (2) + #1002 (2) + #1003 (1) + #1004 (1) + #1005 (1) = 7; #1003 is voided.
    # Gross = line items' price × quantity of the paid and refunded orders:
    #   #1001 2×15.00 + 1×20.00 = 50.00; #1002 1×40.00 + 3×10.00 = 70.00;
    #   #1004 1×20.00 = 20.00; #1005 1×40.00 = 40.00  →  50 + 70 + 20 + 40 = 180.00
    #   (shipping and taxes left out: Total would give 59 + 75.60 + 27 + 43.20 = 204.80).
    # Refunded = #1002 10.80 + #1004 min(27.00, 20.00 sold) = 30.80; net = 180 - 30.80 = 149.20.
    # Customers: ann, bob, cara (refunded, but bought); dan only voided: not a customer.
    assert figures == {
        "read": 7,
        "kept": 6,
        "customers": 3,
        "gross": 180.00,
        "refunded": 30.80,
        "net": 149.20,
        "dropped": {"not a sale (status)": 1},
    }
    assert notes[0] == "Read as a Shopify orders export."
    assert "Shipping and tax ('Shipping', 'Taxes') are not counted as revenue." in notes
    assert any("'voided' (1 line) are not sales" in n for n in notes)
    assert any(n.startswith("The refund on order #1004 is larger than") for n in notes)


def test_a_woocommerce_order_export():
    figures, notes = _figures(px.to_csv(px.woo_rows()))
    # Lines: 2001 (2) + 2002 + 2003 + 2004 + 2005 (2) + 2006 + 2007 = 9; cancelled 2003,
    # failed 2004 and pending 2006 are not sales (3 lines).
    # Gross = Quantity × Item Cost: 2001 1×45 + 2×12.50 = 70; 2002 3×5 = 15;
    #   2005 1×45 + 2×5 = 55; 2007 2×12.50 = 25  →  70 + 15 + 55 + 25 = 165.00.
    # Refunded = Order Refund Amount once per order: 2005 10.00 (on both its rows, counted
    #   once) + 2007 min(30.00, 25.00 sold) = 35.00; net = 165 - 35 = 130.00.
    # Customers: ann, bob, eve.
    assert figures == {
        "read": 9,
        "kept": 6,
        "customers": 3,
        "gross": 165.00,
        "refunded": 35.00,
        "net": 130.00,
        "dropped": {"not a sale (status)": 3},
    }
    assert notes[0] == "Read as a WooCommerce order export."
    assert any("'Order Shipping Amount', 'Order Total Tax Amount'" in n for n in notes)


def test_a_woocommerce_export_with_quantities_after_refunds():
    columns = [c for c in px.WOO_COLUMNS if c != "Quantity"]
    figures, notes = _figures(px.to_csv(px.woo_rows(), columns))
    # Quantity (- Refund) leaves refunded items out: 2005's socks and 2007's caps are 0
    # (dropped, quantity not positive), so the refund is not taken off again.
    # Gross = 70 + 15 + 45 = 130.00 = net (the same net as with Quantity); eve bought nothing.
    assert figures == {
        "read": 9,
        "kept": 4,
        "customers": 2,
        "gross": 130.00,
        "refunded": 0.0,
        "net": 130.00,
        "dropped": {"not a sale (status)": 3, "quantity not positive": 2},
    }
    assert any("is not taken off again" in n for n in notes)


def test_a_stripe_payments_export():
    figures, notes = _figures(px.to_csv(px.stripe_rows()), "unified_payments.csv")
    # Payments: ch_3 and ch_6 failed (2 lines). Gross = 100 + 50 + 60 + 1250 = 1460.00;
    # Amount Refunded = ch_2 50 + ch_4 20 = 70.00; net = 1390.00; customers cus_A, B, D.
    assert figures == {
        "read": 6,
        "kept": 4,
        "customers": 3,
        "gross": 1460.00,
        "refunded": 70.00,
        "net": 1390.00,
        "dropped": {"not a sale (status)": 2},
    }
    assert notes[0] == "Read as a Stripe payments export."
    assert load_export(px.to_csv(px.stripe_rows())).currency == "USD"


def test_a_square_item_sales_export():
    figures, notes = _figures(px.to_csv(px.square_rows()), "items.csv")
    # Net Sales (after discounts, before tax): T1 9.00 + 3.00, T2 1,200.00, T3 4.50
    # → gross 1,216.50; T3's refund line (-4.50) is a return; T4 has no customer.
    # Net = 1216.50 - 4.50 = 1212.00; customers C1, C2, C3.
    assert figures == {
        "read": 6,
        "kept": 4,
        "customers": 3,
        "gross": 1216.50,
        "refunded": 4.50,
        "net": 1212.00,
        "dropped": {"missing customer": 1, "quantity not positive": 1},
    }
    assert notes[0] == "Read as a Square item sales export."
    assert "Shipping and tax ('Tax') are not counted as revenue." in notes


def test_a_shopify_file_cut_in_the_middle_of_an_order():
    whole = px.to_csv(px.shopify_rows()).decode().splitlines()
    # Header, #1001's two lines, #1002's first line, then #1002's second line cut short.
    cut = "\n".join(whole[:4] + [whole[4][:12]]) + "\n"
    figures, notes = _figures(cut.encode())
    # Kept: #1001 (50.00) and #1002's pot (40.00) = 90.00; #1002's refund 10.80 stands
    # (under the 40.00 read); net 79.20; the cut line is skipped as malformed.
    assert figures == {
        "read": 4,
        "kept": 3,
        "customers": 2,
        "gross": 90.00,
        "refunded": 10.80,
        "net": 79.20,
        "dropped": {"malformed line": 1},
    }


def test_lines_whose_order_has_no_first_line_are_left_out_and_named():
    rows = px.shopify_rows()
    orphan = dict(rows[1], Name="#1000")  # a line item of an order whose first line is gone
    figures, notes = _figures(px.to_csv([orphan, *rows]))
    assert figures["dropped"] == {"not a sale (status)": 1, "missing customer": 1}
    assert (figures["gross"], figures["refunded"], figures["customers"]) == (180.0, 30.8, 3)
    assert any(
        n.startswith("1 line(s) of order #1000 have no first line") and "export whole" in n
        for n in notes
    )


def test_statuses_in_any_casing_or_language():
    data = (
        "customer,date,amount,STATUS\n"
        "a,2024-01-01,10,PAID\n"
        "b,2024-01-02,20,Payé\n"
        "c,2024-01-03,30,Annulé\n"
        "d,2024-01-04,40,wc-on-hold\n"
        "e,2024-01-05,50,Chargeback\n"
        "e,2024-01-06,60,Chargeback\n"
        "f,2024-01-07,70,Partially_Refunded\n"
    ).encode()
    figures, notes = _figures(data)
    # Sales: PAID 10 + Payé 20 + Partially_Refunded 70 = 100; Annulé and on-hold are not
    # sales; 'Chargeback' is unknown: its 2 lines are left out and named.
    assert (figures["gross"], figures["customers"]) == (100.0, 3)
    assert figures["dropped"] == {"not a sale (status)": 2, "unknown status": 2}
    assert any("'Chargeback' (2 lines) were left out" in n for n in notes)


def test_negative_amounts_in_a_status_export_are_returns():
    rows = px.stripe_rows()
    rows.append(dict(rows[0], id="ch_7", Amount="-25.00", **{"Created date (UTC)": "2024-05-07"}))
    figures, _ = _figures(px.to_csv(rows))
    # As the Stripe test, plus cus_A's -25.00: a return, not a sale: refunded 70 + 25 = 95.
    assert (figures["gross"], figures["refunded"], figures["net"]) == (1460.0, 95.0, 1365.0)


def test_two_currencies_in_one_file_are_said_not_summed():
    rows = px.stripe_rows()
    rows[1]["Currency"] = "eur"
    with pytest.raises(ExportError) as caught:
        load_export(px.to_csv(rows))
    message = str(caught.value)
    assert "USD on 5 line(s), EUR on 1 line(s)" in message and "one currency" in message


@pytest.mark.parametrize("written", ['"$1,234.50"', '"1.234,50 €"'])
def test_amounts_with_separators_and_symbols(written):
    figures, _ = _figures(f"customer,date,amount\na,2024-01-01,{written}\n".encode())
    assert figures["gross"] == 1234.50


def test_a_stated_amount_wins_over_quantity_times_price():
    # SALES holds the line value; PRICEEACH is capped at 100 (as in a public sales sample).
    data = (
        b"CUSTOMERNAME,ORDERDATE,QUANTITYORDERED,PRICEEACH,SALES,STATUS\n"
        b"a,2024-01-01,30,100,3500.40,Shipped\nb,2024-01-02,10,50,500,Cancelled\n"
    )
    figures, notes = _figures(data)
    assert (figures["gross"], figures["dropped"]) == (3500.40, {"not a sale (status)": 1})
    assert (
        "Amounts are 'SALES' as the file states them, not 'QUANTITYORDERED' × 'PRICEEACH'." in notes
    )


def test_an_order_total_never_stands_for_a_line():
    data = (
        b"customer,order,date,quantity,price,total\na,1,2024-01-01,2,5,30\na,1,2024-01-01,1,20,30\n"
    )
    figures, notes = _figures(data)
    assert figures["gross"] == 30.0  # 2×5 + 1×20, not 30 + 30
    assert any("'total' is an order's total" in n for n in notes)


def test_a_mapped_status_column_and_a_refund_larger_than_a_payment():
    data = (
        b"Client,Paid On,Value,State,Given Back\n"
        b"a,2024-01-01,40,settled,50\n"  # refunded 50 on a 40 payment: only 40 returned
        b"b,2024-01-02,25,settled,5\n"
        b"c,2024-01-03,99,abandoned,0\n"
    )
    mapping = {"date": "Paid On", "status": "State", "refunded": "Given Back"}
    export = load_export(data, mapping=mapping)
    prepared = prepare_frame(export.transactions)
    # Gross 40 + 25 = 65; returns min(50, 40) + 5 = 45; c's abandoned checkout is no sale.
    assert prepared.audit.total_spend == 65.0
    assert prepared.customers["returns_value"].to_dict() == {"a": 40.0, "b": 5.0}
    assert prepared.audit.dropped == {"not a sale (status)": 1}
    assert any(n.startswith("The refund on line 2 is larger than") for n in export.notes)
