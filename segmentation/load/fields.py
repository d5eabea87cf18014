"""The fields segbot reads from an export, the header spellings that name each, and what
each field is, in the words a mapping question uses."""

from __future__ import annotations

import segmentation.load.contacts as contacts

FIELDS = (
    "customer",
    "invoice",
    "date",
    "quantity",
    "price",
    "amount",
    "country",
    "product",
    "product_name",
    "category",
    "currency",
    "status",
    "refunded",
    *contacts.CONTACT_FIELDS,
)

# How each field's cells are read (``segmentation.load.values``), by an upload's reader and
# normaliser and by a connected source alike: numbers as people write them, the date as a
# timestamp, a status as what it means, the currency as its code; every other field is
# text read by the ids' rule (stripped, blanks null, "17850.0" as 17850).
NUMBER_FIELDS = ("quantity", "price", "amount", "refunded")
TEXT_FIELDS = tuple(f for f in FIELDS if f not in (*NUMBER_FIELDS, "date", "status", "currency"))
DECIMAL_ID = r"^([0-9]+)\.0+$"  # "17850.0" is how a spreadsheet writes the id 17850

# Aliases in priority order, already normalised (lower case, no spaces/underscores/dashes/dots).
ALIASES: dict[str, tuple[str, ...]] = {
    "customer": (
        "customerid",
        "customer",
        "customerno",
        "customernumber",
        "customerref",
        "clientid",
        "client",
        "clientref",
        "email",
        "customeremail",
        "buyeremail",
    ),
    "invoice": (
        "invoiceno",
        "invoice",
        "invoicenumber",
        "invoiceid",
        "orderid",
        "order",
        "ordernumber",
        "orderno",
        "transactionid",
        "transaction",
        "receipt",
        "receiptid",
    ),
    "date": (
        "invoicedate",
        "orderdate",
        "date",
        "createdat",
        "timestamp",
        "transactiondate",
        "purchasedate",
        "datetime",
        "paidat",
        "when",
        "day",
    ),
    "quantity": ("quantity", "qty", "lineitemquantity", "units", "unitssold"),
    "price": ("unitprice", "price", "lineitemprice", "priceeach", "itemprice"),
    "amount": (
        "amount",
        "total",
        "revenue",
        "sales",
        "ordertotal",
        "value",
        "linetotal",
        "totalprice",
        "subtotal",
        "netsales",
    ),
    "country": ("country", "billingcountry", "shippingcountry"),
    "product": (
        "stockcode",
        "sku",
        "lineitemsku",
        "productid",
        "productcode",
        "itemcode",
        "product",
    ),
    # A name column alone is both the product's id and its name (``columns.match_columns``).
    # Not "name": Shopify's "Name" is the order number.
    "product_name": (
        "description",
        "productname",
        "lineitemname",
        "itemname",
        "item",
        "producttitle",
        "title",
        "itemdescription",
        "productdescription",
    ),
    # Sub-Category before Category: a superstore's Category has three values (Furniture,
    # Office Supplies, Technology), too broad to make an offer of; its Sub-Category (Chairs,
    # Binders, Phones…) is what an offer names.
    "category": (
        "subcategory",
        "productsubcategory",
        "category",
        "productcategory",
        "productline",
        "itemcategory",
        "producttype",
        "department",
    ),
    "currency": ("currency", "currencycode", "ccy"),
    # What the order or payment became (``segmentation.load.status`` says what each value means).
    "status": ("status", "financialstatus", "orderstatus", "paymentstatus", "transactionstatus"),
    # Money given back on the order or payment: a return, as cancelled lines are.
    "refunded": (
        "refundedamount",
        "amountrefunded",
        "orderrefundamount",
        "refundamount",
        "refunded",
        "refundtotal",
    ),
    **contacts.CONTACT_ALIASES,
}

# Shopify calls the order number "Name"; only trust that where the file is clearly a Shopify export.
SHOPIFY_MARKER = "lineitemquantity"

FIELD_HELP = {
    "customer": "who bought (customer id or email)",
    "invoice": "the order or invoice number",
    "date": "when they bought",
    "quantity": "how many units",
    "price": "the unit price",
    "amount": "the line or order value",
    "country": "the customer's country",
    "product": "what was bought (product code)",
    "product_name": "the product's name or description",
    "category": "the product's category or product line",
    "currency": "the currency of the amounts",
    "status": "whether the order was paid (paid, refunded, voided, failed…)",
    "refunded": "the amount refunded on the order or payment",
    **contacts.CONTACT_HELP,
}
