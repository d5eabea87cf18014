"""Small exports as the platforms write them, built from their documented columns.

Each builder returns the file's bytes; the figures the tests expect are worked out by
hand in the tests, next to the lines they come from.
"""

from __future__ import annotations

import csv
import io


def _header(line: str) -> list[str]:
    """A CSV header line's column names (the platforms' own spelling)."""
    return line.split(",")


SHOPIFY_COLUMNS = _header(
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,"
    "Taxes,Total,Discount Amount,Refunded Amount,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem sku,Billing Country"
)
# An order's own fields on its first line only; its other lines: Name and Lineitem fields.
SHOPIFY_ORDERS = [
    # name, email, status, created, subtotal, shipping, taxes, total, refunded, items
    (
        "#1001",
        "ann@example.com",
        "paid",
        "2024-03-01 10:00:00 -0500",
        "50.00",
        "5.00",
        "4.00",
        "59.00",
        "0.00",
        [("2", "Mug", "15.00", "MUG-1"), ("1", "Tea", "20.00", "TEA-1")],
    ),
    (
        "#1002",
        "bob@example.com",
        "partially_refunded",
        "2024-03-05 12:30:00 -0500",
        "70.00",
        "0.00",
        "5.60",
        "75.60",
        "10.80",
        [("1", "Pot", "40.00", "POT-1"), ("3", "Cup", "10.00", "CUP-1")],
    ),
    (
        "#1003",
        "dan@example.com",
        "voided",
        "2024-03-08 09:00:00 -0500",
        "15.00",
        "5.00",
        "1.20",
        "21.20",
        "0.00",
        [("1", "Mug", "15.00", "MUG-1")],
    ),
    (
        "#1004",
        "cara@example.com",
        "refunded",
        "2024-03-10 16:45:00 -0500",
        "20.00",
        "5.00",
        "2.00",
        "27.00",
        "27.00",
        [("1", "Tea", "20.00", "TEA-1")],
    ),
    (
        "#1005",
        "bob@example.com",
        "paid",
        "2024-03-12 08:15:00 -0500",
        "40.00",
        "0.00",
        "3.20",
        "43.20",
        "0.00",
        [("1", "Pot", "40.00", "POT-1")],
    ),
]


def shopify_rows() -> list[dict[str, str]]:
    rows = []
    for name, email, status, created, sub, ship, tax, total, refunded, items in SHOPIFY_ORDERS:
        for i, (qty, item, price, sku) in enumerate(items):
            row = dict.fromkeys(SHOPIFY_COLUMNS, "")
            row.update(
                {
                    "Name": name,
                    "Lineitem quantity": qty,
                    "Lineitem name": item,
                    "Lineitem price": price,
                    "Lineitem sku": sku,
                }
            )
            if i == 0:
                row.update(
                    {
                        "Email": email,
                        "Financial Status": status,
                        "Currency": "USD",
                        "Paid at": created if status != "voided" else "",
                        "Fulfillment Status": "fulfilled",
                        "Subtotal": sub,
                        "Shipping": ship,
                        "Taxes": tax,
                        "Total": total,
                        "Discount Amount": "0.00",
                        "Refunded Amount": refunded,
                        "Created at": created,
                        "Billing Country": "US",
                    }
                )
            rows.append(row)
    return rows


WOO_COLUMNS = _header(
    "Order Number,Order Status,Order Date,Customer User ID,Email (Billing),"
    "Country Code (Billing),Order Currency,Item #,SKU,Item Name,Quantity,Quantity (- Refund),"
    "Item Cost,Order Shipping Amount,Order Total Tax Amount,Order Refund Amount,"
    "Order Total Amount"
)
# One row per item; the order's fields repeated on each of its rows.
WOO_ORDERS = [
    # number, status, date, user, email, shipping, tax, refund, total, items
    (
        "2001",
        "completed",
        "2024-04-01 10:00",
        "7",
        "ann@example.com",
        "6.00",
        "7.60",
        "0.00",
        "83.60",
        [("HOOD", "Hoodie", "1", "1", "45.00"), ("CAP", "Cap", "2", "2", "12.50")],
    ),
    (
        "2002",
        "processing",
        "2024-04-02 11:00",
        "8",
        "bob@example.com",
        "4.00",
        "1.90",
        "0.00",
        "20.90",
        [("SOCK", "Socks", "3", "3", "5.00")],
    ),
    (
        "2003",
        "cancelled",
        "2024-04-03 12:00",
        "9",
        "cara@example.com",
        "6.00",
        "4.50",
        "0.00",
        "55.50",
        [("HOOD", "Hoodie", "1", "1", "45.00")],
    ),
    (
        "2004",
        "failed",
        "2024-04-04 13:00",
        "0",
        "dan@example.com",
        "4.00",
        "1.25",
        "0.00",
        "17.75",
        [("CAP", "Cap", "1", "1", "12.50")],
    ),
    (
        "2005",
        "completed",
        "2024-04-10 09:30",
        "7",
        "ann@example.com",
        "0.00",
        "0.00",
        "10.00",
        "55.00",
        [("HOOD", "Hoodie", "1", "1", "45.00"), ("SOCK", "Socks", "2", "0", "5.00")],
    ),
    (
        "2006",
        "pending",
        "2024-04-12 15:00",
        "8",
        "bob@example.com",
        "4.00",
        "1.25",
        "0.00",
        "17.75",
        [("CAP", "Cap", "1", "1", "12.50")],
    ),
    (
        "2007",
        "refunded",
        "2024-04-15 17:20",
        "0",
        "eve@example.com",
        "5.00",
        "0.00",
        "30.00",
        "30.00",
        [("CAP", "Cap", "2", "0", "12.50")],
    ),
]


def woo_rows() -> list[dict[str, str]]:
    rows = []
    for number, status, date, user, email, ship, tax, refund, total, items in WOO_ORDERS:
        for n, (sku, name, qty, net_qty, cost) in enumerate(items, start=1):
            rows.append(
                dict(
                    zip(
                        WOO_COLUMNS,
                        [
                            number,
                            status,
                            date,
                            user,
                            email,
                            "US",
                            "USD",
                            str(n),
                            sku,
                            name,
                            qty,
                            net_qty,
                            cost,
                            ship,
                            tax,
                            refund,
                            total,
                        ],
                        strict=True,
                    )
                )
            )
    return rows


STRIPE_COLUMNS = _header(
    "id,Description,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Fee,Status,"
    "Customer ID,Customer Email"
)
STRIPE_PAYMENTS = [
    (
        "ch_1",
        "2024-05-01 10:00",
        "100.00",
        "0.00",
        "true",
        "3.20",
        "Paid",
        "cus_A",
        "a@example.com",
    ),
    (
        "ch_2",
        "2024-05-02 11:00",
        "50.00",
        "50.00",
        "true",
        "1.75",
        "Refunded",
        "cus_B",
        "b@example.com",
    ),
    (
        "ch_3",
        "2024-05-03 12:00",
        "80.00",
        "0.00",
        "false",
        "0.00",
        "Failed",
        "cus_C",
        "c@example.com",
    ),
    (
        "ch_4",
        "2024-05-04 13:00",
        "60.00",
        "20.00",
        "true",
        "2.04",
        "Paid",
        "cus_A",
        "a@example.com",
    ),
    (
        "ch_5",
        "2024-05-05 14:00",
        "1250.00",
        "0.00",
        "true",
        "36.55",
        "Paid",
        "cus_D",
        "d@example.com",
    ),
    (
        "ch_6",
        "2024-05-06 15:00",
        "30.00",
        "0.00",
        "false",
        "0.00",
        "Failed",
        "cus_D",
        "d@example.com",
    ),
]


def stripe_rows() -> list[dict[str, str]]:
    return [
        dict(
            zip(
                STRIPE_COLUMNS,
                [
                    pid,
                    "Order",
                    created,
                    amount,
                    refunded,
                    "usd",
                    captured,
                    fee,
                    status,
                    customer,
                    email,
                ],
                strict=True,
            )
        )
        for pid, created, amount, refunded, captured, fee, status, customer, email in STRIPE_PAYMENTS
    ]


SQUARE_COLUMNS = _header(
    "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,"
    "Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,"
    "Location,Dining Option,Customer ID,Customer Name,Customer Reference ID"
)
SQUARE_ITEMS = [
    # date, time, item, qty, gross, discounts, net, tax, transaction, event, customer, name
    (
        "2024-06-01",
        "08:05:10",
        "Latte",
        "2",
        "$9.00",
        "$0.00",
        "$9.00",
        "$0.72",
        "T1",
        "Payment",
        "C1",
        "Ann",
    ),
    (
        "2024-06-01",
        "08:05:10",
        "Croissant",
        "1",
        "$3.50",
        "-$0.50",
        "$3.00",
        "$0.24",
        "T1",
        "Payment",
        "C1",
        "Ann",
    ),
    (
        "2024-06-02",
        "12:40:00",
        "Espresso Machine",
        "1",
        "$1,200.00",
        "$0.00",
        "$1,200.00",
        "$96.00",
        "T2",
        "Payment",
        "C2",
        "Bob",
    ),
    (
        "2024-06-03",
        "09:00:00",
        "Latte",
        "1",
        "$4.50",
        "$0.00",
        "$4.50",
        "$0.36",
        "T3",
        "Payment",
        "C3",
        "Cara",
    ),
    (
        "2024-06-04",
        "10:00:00",
        "Latte",
        "-1",
        "-$4.50",
        "$0.00",
        "-$4.50",
        "-$0.36",
        "T3",
        "Refund",
        "C3",
        "Cara",
    ),
    (
        "2024-06-05",
        "07:30:00",
        "Muffin",
        "1",
        "$3.00",
        "$0.00",
        "$3.00",
        "$0.24",
        "T4",
        "Payment",
        "",
        "",
    ),
]


def square_rows() -> list[dict[str, str]]:
    rows = []
    for date, time, item, qty, gross, disc, net, tax, txn, event, cid, cname in SQUARE_ITEMS:
        row = dict.fromkeys(SQUARE_COLUMNS, "")
        row.update(
            {
                "Date": date,
                "Time": time,
                "Time Zone": "Eastern Time (US & Canada)",
                "Category": "Cafe",
                "Item": item,
                "Qty": qty,
                "Price Point Name": "Regular",
                "Gross Sales": gross,
                "Discounts": disc,
                "Net Sales": net,
                "Tax": tax,
                "Transaction ID": txn,
                "Payment ID": f"p-{txn}",
                "Event Type": event,
                "Location": "Main St",
                "Customer ID": cid,
                "Customer Name": cname,
            }
        )
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    """The rows as a CSV file with the given columns (all of the first row's by default)."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=columns or list(rows[0]), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
