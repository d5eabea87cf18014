"""Each customer's contact details, as one row per customer, computed by the engine.

An export writes the buyer's e-mail, phone, names and postcode on each order (Shopify only on
the order's first line), and a customer may change them over the years: the value kept is the
one of their most recent line that has one. Like the features, this is one aggregate query,
run by DuckDB over an upload or by a team's own database, never lines pulled into Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import ibis.expr.types as ir

# The contact fields a normalised table may carry, as text (``segmentation.load.contacts``
# finds them in an export's headers); ``full_name`` is a single name column ("Billing
# Name"), cut into first and last name only where the export has no columns for those.
CONTACT_FIELDS = ("email", "phone", "first_name", "last_name", "full_name", "postcode")
# The columns read, when the table has them: the contact fields and the customer's country
# (which completes a phone number written without its country code).
CONTACT_COLUMNS = (*CONTACT_FIELDS, "country")


def contact_columns(table: ir.Table) -> list[str]:
    """The contact columns ``table`` has (see ``CONTACT_COLUMNS``)."""
    return [c for c in CONTACT_COLUMNS if c in table.columns]


def contacts_query(table: ir.Table) -> ir.Table:
    """One row per customer with a contact: ``customer_id`` and, per column of
    ``contact_columns``, the value of the customer's latest line that has one (text; null
    when none of their lines has). A table without contact columns gives a query of the
    customers only."""
    t = table.filter(table.customer_id.notnull())
    latest = {}
    for name in contact_columns(t):
        text = t[name].cast("string").strip()
        present = text.notnull() & (text != "")
        latest[name] = text.argmax(t.timestamp, where=present)
    return t.group_by("customer_id").aggregate(**latest)


def contacts_table(table: ir.Table) -> pd.DataFrame:
    """``contacts_query`` run by the backend that holds ``table`` (a connected source's
    database): one row per customer comes back, as ``as_frame`` writes it."""
    if not [c for c in contact_columns(table) if c != "country"]:
        return empty_contacts()
    return as_frame(table.get_backend().execute(contacts_query(table)))


def empty_contacts() -> pd.DataFrame:
    """No contacts: the frame ``contacts`` gives for a table without any."""
    return pd.DataFrame(index=pd.Index([], dtype=str, name="customer_id"))


def as_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The query's rows indexed by ``customer_id`` (as text), sorted, with missing values as
    None: what ``workflows`` and the audience lists read."""
    frame = rows.astype({"customer_id": str}).set_index("customer_id").sort_index()
    return frame.astype(object).where(frame.notna(), None)
