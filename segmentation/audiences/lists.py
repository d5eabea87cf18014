"""Customer lists built from each customer's contact details, with what was left out counted.

``meta_list`` and ``google_list`` write the CSV each platform's customer-list upload reads
(normalised and hashed by ``segmentation.audiences.rules``); ``email_tool_list`` writes the
raw contacts an e-mail tool imports (Mailchimp's and Klaviyo's columns). Each returns an
``AudienceList``: its bytes, rows and the counts of what could not be used. Nothing here
writes a contact anywhere but into the list's bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

import segmentation.audiences.rules as rules
from segmentation.formatting import neutralise
from segmentation.offers import joined

Row = dict[str, str]


@dataclass(frozen=True)
class AudienceList:
    """A list's CSV ``data`` and its ``rows`` (customers written); of the ``customers`` asked
    for, ``bad_emails`` had an e-mail that is no address, ``bad_phones`` a phone number that
    is none, ``phones_without_country`` one written without country code and with no country
    to take it from; ``left_out`` customers had nothing the platform can match on."""

    data: bytes
    rows: int
    customers: int
    bad_emails: int = 0
    bad_phones: int = 0
    phones_without_country: int = 0

    @property
    def left_out(self) -> int:
        return self.customers - self.rows


@dataclass
class _Counts:
    bad_emails: int = 0
    bad_phones: int = 0
    phones_without_country: int = 0


def _value(person: Mapping[str, object], name: str) -> str | None:
    value = person.get(name)
    return None if value is None or value != value else (str(value).strip() or None)


def _names(person: Mapping[str, object]) -> tuple[str | None, str | None]:
    """First and last name: their own columns, else the full name cut in two."""
    first, last = _value(person, "first_name"), _value(person, "last_name")
    full = _value(person, "full_name")
    if full and not (first or last):
        return rules.split_name(full)
    return first, last


def _email(person: Mapping[str, object], normalise: Callable, counts: _Counts) -> str | None:
    raw = _value(person, "email")
    email = None if raw is None else normalise(raw)
    counts.bad_emails += raw is not None and email is None
    return email


def _phone(person: Mapping[str, object], normalise: Callable, counts: _Counts) -> str | None:
    raw = _value(person, "phone")
    if raw is None:
        return None
    try:
        return normalise(raw, _value(person, "country"))
    except rules.PhoneProblem as problem:
        if problem.kind == "no_country":
            counts.phones_without_country += 1
        else:
            counts.bad_phones += 1
        return None


def _meta_row(customer_id: str, person: Mapping[str, object], counts: _Counts) -> Row | None:
    email = _email(person, rules.meta_email, counts)
    phone = _phone(person, rules.meta_phone, counts)
    first, last = (rules.meta_name(n) if n else None for n in _names(person))
    country = _value(person, "country")
    postcode = _value(person, "postcode")
    zip_code = rules.meta_zip(postcode, country) if postcode else None
    code = rules.country_code(country) if country else None
    if not (email or phone or (first and last and (zip_code or code))):
        return None
    hashed = {
        "email": email, "phone": phone, "fn": first, "ln": last, "zip": zip_code, "country": code,
    }  # fmt: skip
    row = {k: rules.sha256_hex(v) if v else "" for k, v in hashed.items()}
    # The store's own id, as Meta takes it (hashing is optional): not when it is the e-mail.
    row["extern_id"] = "" if rules.meta_email(customer_id) else neutralise(customer_id)
    return row


def _google_row(_customer_id: str, person: Mapping[str, object], counts: _Counts) -> Row | None:
    email = _email(person, rules.google_email, counts)
    phone = _phone(person, rules.e164, counts)
    given, family = _names(person)
    first = rules.google_name(given, given=True) if given else None
    last = rules.google_name(family, given=False) if family else None
    country = _value(person, "country")
    code = rules.country_code(country) if country else None
    postcode = _value(person, "postcode")
    zip_code = rules.google_zip(postcode) if postcode else None
    address = bool(first and last and code and zip_code)
    if not (email or phone or address):
        return None
    hashed = {"Email": email, "Phone": phone, "First Name": first, "Last Name": last}
    row = {k: rules.sha256_hex(v) if v else "" for k, v in hashed.items()}
    row["Country"] = code or ""  # not hashed, as Customer Match says
    row["Zip"] = neutralise(zip_code) if zip_code else ""
    return row


META_COLUMNS = ("email", "phone", "fn", "ln", "zip", "country", "extern_id")
GOOGLE_COLUMNS = ("Email", "Phone", "First Name", "Last Name", "Country", "Zip")
# Customer Match matches an address only on all four of these: sent all together or none.
GOOGLE_ADDRESS = ("First Name", "Last Name", "Country", "Zip")


def meta_list(people: pd.DataFrame) -> AudienceList:
    """Meta Custom Audiences' customer list of ``people`` (indexed by customer id, a column
    per contact field): the columns some row fills, each value hashed (``extern_id`` not)."""
    return _build(people, _meta_row, META_COLUMNS, ())


def google_list(people: pd.DataFrame) -> AudienceList:
    """Google Customer Match's customer list of ``people``: Email, Phone, First Name and Last
    Name hashed, Country and Zip as they are; the address columns only where all four are."""
    return _build(people, _google_row, GOOGLE_COLUMNS, GOOGLE_ADDRESS)


def _build(
    people: pd.DataFrame, make: Callable, columns: tuple[str, ...], together: tuple[str, ...]
) -> AudienceList:
    counts = _Counts()
    rows: list[Row] = []
    for customer_id, person in zip(people.index, people.to_dict("records"), strict=True):
        row = make(str(customer_id), person, counts)
        if row is not None:
            rows.append(row)
    used = [c for c in columns if any(row[c] for row in rows)]
    if together and not set(together) <= set(used):
        used = [c for c in used if c not in together]
    unique = list(dict.fromkeys(tuple(row[c] for c in used) for row in rows))
    return AudienceList(
        _csv(used, unique), len(rows), len(people), counts.bad_emails, counts.bad_phones,
        counts.phones_without_country,
    )  # fmt: skip


def email_tool_list(
    people: pd.DataFrame, tags: pd.Series, products: pd.Series | None
) -> AudienceList:
    """The import file of an e-mail tool (Mailchimp's and Klaviyo's column names): "Email
    Address", "First Name", "Last Name", "Tags" (``tags``: each customer's segment name) and,
    when ``products`` is given, "Next Products". Raw values, trimmed, spreadsheet-safe; a
    customer without a usable e-mail is left out."""
    counts = _Counts()
    rows = []
    for customer_id, person in zip(people.index, people.to_dict("records"), strict=True):
        email = _email(person, rules.meta_email, counts)
        if email is None:
            continue
        first, last = _names(person)
        row = [email, first or "", last or "", str(tags.get(customer_id, "")).replace(",", " ")]
        if products is not None:
            row.append(_products(products.get(customer_id)))
        rows.append(tuple(neutralise(cell) for cell in row))
    header = ["Email Address", "First Name", "Last Name", "Tags"]
    header += ["Next Products"] if products is not None else []
    return AudienceList(_csv(header, rows), len(rows), len(people), counts.bad_emails)


def _products(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, list | tuple):
        return joined(value)
    return str(value)


def _csv(header: list[str], rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
