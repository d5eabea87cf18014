"""Match an export's column headers to the fields segbot needs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from segmentation.errors import ExportError

FIELDS = ("customer", "invoice", "date", "quantity", "price", "amount", "country", "product")

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
        "item",
        "lineitemname",
        "description",
    ),
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
}


def normalise_header(name: str) -> str:
    """Lower-case a header and drop spaces, underscores, dashes, dots and a BOM."""
    return re.sub(r"[\s_\-.\ufeff#]+", "", str(name)).lower()


def match_columns(
    headers: Iterable[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Map segbot fields to column names of the export.

    Takes the export's headers and optional explicit ``field -> column`` overrides;
    returns ``{field: column}`` for every field found. Raises ExportError when the
    export lacks a customer, a date, or both an amount and quantity × price.
    """
    headers = [str(h) for h in headers]
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    for field, column in (overrides or {}).items():
        if field not in FIELDS:
            raise ExportError(
                f"Unknown field '{field}' in the column mapping. Fields are: {', '.join(FIELDS)}."
            )
        found = column if column in headers else by_norm.get(normalise_header(column))
        if found is None:
            raise ExportError(
                f"The mapping says {field}='{column}', but the file has no such column. "
                f"Columns found: {_listing(headers)}."
            )
        mapping[field] = found
    taken = set(mapping.values())
    aliases = dict(ALIASES)
    if SHOPIFY_MARKER in by_norm:
        aliases["invoice"] = ("name", *ALIASES["invoice"])
    for field in FIELDS:
        if field in mapping:
            continue
        for alias in aliases[field]:
            column = by_norm.get(alias)
            if column is not None and column not in taken:
                mapping[field] = column
                taken.add(column)
                break
    _require_fields(mapping, headers)
    return mapping


def _require_fields(mapping: dict[str, str], headers: list[str]) -> None:
    missing = [f for f in ("customer", "date") if f not in mapping]
    has_value = "amount" in mapping or ("quantity" in mapping and "price" in mapping)
    if not has_value:
        missing.append("amount (or quantity and unit price)")
    if not missing:
        return
    needed = "; ".join(
        f"{m} — {FIELD_HELP.get(m.split()[0], 'the value of each purchase')}" for m in missing
    )
    example = next((h for h in headers if h not in mapping.values()), "Your Column")
    field = missing[0].split()[0]
    raise ExportError(
        f"I couldn't find these columns: {needed}. Columns found: {_listing(headers)}. "
        f"Rename a column in the file, or tell me which one to use, "
        f'e.g. `{field}="{example}"`.'
    )


def _listing(headers: list[str]) -> str:
    shown = [f"'{h}'" for h in headers[:20]]
    more = f" and {len(headers) - 20} more" if len(headers) > 20 else ""
    return (", ".join(shown) or "none") + more
