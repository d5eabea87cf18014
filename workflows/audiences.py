"""Audiences: a run's customers (all, or a segment) or a campaign's treated group as a customer
list for Meta Custom Audiences, Google Customer Match or an e-mail tool.

Each customer's contacts (e-mail, phone, names, postcode, country) are read from the data the
run segmented, one row per customer, by the engine: an upload's stored transactions (which
keep the contact columns for this), or the connected source on its own backend. Where an
export has no e-mail column but its customer ids are e-mail addresses (and for datasets stored
before contact columns were kept), those ids are the e-mails. The lists are built by
``segmentation.audiences``; what they leave out is counted, never shown.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

import storage
from segmentation.audiences import AudienceList, email_tool_list, google_list, meta_list
from segmentation.audiences.rules import meta_email
from segmentation.engine import contacts_frame
from segmentation.load.contacts import CONTACT_FIELDS
from sources import Catalog, SourceError, source_contacts
from storage import Campaign, RunRecord
from workflows.bindings import source_gone_text
from workflows.errors import GONE, UserError
from workflows.runs import Where

PLATFORMS = {
    "meta": "Meta Custom Audiences",
    "google": "Google Customer Match",
    "email": "your e-mail tool",
}
NO_SOURCES = Catalog()
# The columns each list can match on, as ``/segment map`` names them.
NEEDED = {
    "meta": "an e-mail, phone, or first name, last name and postcode column",
    "google": "an e-mail, phone, or first name, last name, postcode and country column",
    "email": "an e-mail column",
}


def run_audience(
    w: Where, run: RunRecord, segment: int | None, platform: str, *, catalog: Catalog = NO_SOURCES
) -> AudienceList:
    """``platform``'s list of the run's customers (``segment``: one segment's, None: all).

    Raises UserError with one sentence when the data have no contact to match on.
    """
    with storage.connect(w.db_path) as db:
        customers = storage.assignments_for(db, run.id, w.scope)
        dataset = storage.dataset_for(db, run.dataset_id, w.scope)
    if dataset is None or run.summary is None:
        raise UserError(GONE)
    if segment is not None:
        customers = customers[customers["segment"] == segment]
    names = {s.id: s.name for s in run.summary.segments}
    contacts = _contacts(w, dataset.id, dataset.source, catalog)
    return audience_list(contacts, customers, names, platform)


def campaign_audience(
    w: Where,
    campaign: Campaign,
    members: pd.DataFrame,
    platform: str,
    *,
    catalog: Catalog = NO_SOURCES,
) -> AudienceList:
    """``platform``'s list of the campaign's treated group (never its holdout), read from the
    data the campaign started on."""
    treated = members.loc[~members["holdout"], "customer_id"].astype(str)
    customers = pd.DataFrame(
        {"segment": campaign.segment}, index=pd.Index(treated.to_numpy(), name="customer_id")
    )
    contacts = _contacts(w, campaign.dataset_id, campaign.source, catalog)
    return audience_list(contacts, customers, {campaign.segment: campaign.segment_name}, platform)


def _contacts(w: Where, dataset_id: int, source: str | None, catalog: Catalog) -> pd.DataFrame:
    """Each customer's contacts in the dataset, or in the connected source it stands for."""
    if source is not None:
        found = catalog.get(source)
        if found is None or not found.allowed_in(w.scope.channel_id):
            raise UserError(source_gone_text(source))
        try:
            return source_contacts(found)
        except SourceError as e:  # one sentence naming what to fix, never a secret
            raise UserError(str(e)) from None
    with storage.connect(w.db_path) as db:
        try:
            table = storage.transactions_table(db, dataset_id, w.scope, data_dir=w.data_dir)
        except FileNotFoundError:
            table = None
    if table is None:
        raise UserError(GONE)
    return contacts_frame(table)


def audience_list(
    contacts: pd.DataFrame, customers: pd.DataFrame, names: Mapping[int, str], platform: str
) -> AudienceList:
    """``platform``'s list of ``customers`` (indexed by customer id, with ``segment`` and, when
    the run has them, ``next_products``) from ``contacts`` (``segmentation.engine``'s one row
    per customer); ``names`` are the segments' names, the e-mail tool's tags. Raises
    UserError when there is nothing to match on."""
    ids = pd.Index(customers.index.astype(str), name="customer_id")
    people = contacts.reindex(ids)
    if "email" not in people.columns:  # customer ids that are e-mail addresses serve as one
        people = people.assign(email=[i if meta_email(i) else None for i in ids])
    found = {c for c in CONTACT_FIELDS if c in contacts.columns}
    found |= {"email"} if people["email"].notna().any() else set()
    if not (found & {"email"} if platform == "email" else found):
        raise UserError(no_contacts_text(platform))
    if platform == "meta":
        made = meta_list(people)
    elif platform == "google":
        made = google_list(people)
    else:
        tags = pd.Series([names.get(s, "") for s in customers["segment"]], index=ids)
        products = None
        if "next_products" in customers.columns:
            products = pd.Series(customers["next_products"].to_numpy(), index=ids)
        made = email_tool_list(people, tags, products)
    if made.rows == 0:
        counted = ", ".join(_counts(made))
        raise UserError(
            f"None of the {made.customers:,} customers has {NEEDED[platform].replace(' column', '')} "
            f"{PLATFORMS[platform]} can use{f' ({counted})' if counted else ''}, so there is "
            "nothing to send."
        )
    return made


def no_contacts_text(platform: str) -> str:
    """The sentence for data without any contact column: which columns to map."""
    return (
        f"This export has no contact details to match customers on: map {NEEDED[platform]} "
        '(e.g. `/segment map email="E-mail" phone="Phone" first_name="First Name" '
        'last_name="Last Name" postcode="Zip"`) and share the export again.'
    )


def left_out_text(made: AudienceList) -> str:
    """ " Left out: 2 customers with nothing to match on, 3 e-mails that are no address." — the
    customers not in the list and the contact values not used; empty when all were. Counts
    only, never a contact."""
    parts = _counts(made)
    if made.left_out:
        who = "customer" if made.left_out == 1 else "customers"
        parts.insert(0, f"{made.left_out:,} {who} with nothing to match on")
    return f" Left out: {', '.join(parts)}." if parts else ""


def _counts(made: AudienceList) -> list[str]:
    parts = [
        (made.bad_emails, "e-mail that is no address", "e-mails that are no address"),
        (made.bad_phones, "phone that is no number", "phones that are no number"),
        (
            made.phones_without_country,
            "phone without a country code or a country to take it from",
            "phones without a country code or a country to take it from",
        ),
    ]
    return [f"{n:,} {one if n == 1 else many}" for n, one, many in parts if n]
