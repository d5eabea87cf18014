"""The audience workflow's choices: the e-mail tool's Next Products column where the run has
per-customer products, customer ids that are e-mails standing in for a missing e-mail column,
and one sentence when there is nothing to match on."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from workflows.audiences import audience_list, no_contacts_text
from workflows.errors import UserError


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


CONTACTS = pd.DataFrame(
    {"email": ["ana@example.com", "bo@example.com"], "first_name": ["Ana", None]},
    index=pd.Index(["1", "2"], name="customer_id"),
)


def test_the_email_tool_list_names_next_products_only_when_the_run_has_them() -> None:
    customers = pd.DataFrame(
        {"segment": [0, 1], "next_products": [["MUG", "JUG"], []]},
        index=pd.Index(["1", "2"], name="customer_id"),
    )
    made = audience_list(CONTACTS, customers, {0: "Champions", 1: "At risk"}, "email")
    assert _rows(made.data) == [
        {"Email Address": "ana@example.com", "First Name": "Ana", "Last Name": "",
         "Tags": "Champions", "Next Products": "MUG; JUG"},
        {"Email Address": "bo@example.com", "First Name": "", "Last Name": "",
         "Tags": "At risk", "Next Products": ""},
    ]  # fmt: skip
    without = audience_list(CONTACTS, customers.drop(columns="next_products"), {}, "email")
    assert list(_rows(without.data)[0]) == ["Email Address", "First Name", "Last Name", "Tags"]


def test_customer_ids_that_are_emails_stand_in_for_an_email_column() -> None:
    customers = pd.DataFrame(
        {"segment": [0, 0, 0]}, index=pd.Index(["a@x.com", "17850", "b@y.org"], name="customer_id")
    )
    none = pd.DataFrame(index=pd.Index([], dtype=str, name="customer_id"))
    made = audience_list(none, customers, {0: "All"}, "meta")
    assert (made.rows, made.left_out, made.bad_emails) == (2, 1, 0)
    assert list(_rows(made.data)[0]) == ["email"]


def test_no_contact_column_is_one_sentence_naming_what_to_map() -> None:
    customers = pd.DataFrame({"segment": [0]}, index=pd.Index(["17850"], name="customer_id"))
    none = pd.DataFrame(index=pd.Index([], dtype=str, name="customer_id"))
    for platform in ("meta", "google", "email"):
        with pytest.raises(UserError) as raised:
            audience_list(none, customers, {}, platform)
        assert str(raised.value) == no_contacts_text(platform)
    assert no_contacts_text("email").startswith(
        "This export has no contact details to match customers on: map an e-mail column "
    )
    # A phone alone is no e-mail: the e-mail tool still asks for the e-mail column.
    phones = pd.DataFrame({"phone": ["+44 7700 900123"]}, index=pd.Index(["17850"]))
    assert "map an e-mail column" in str(
        pytest.raises(UserError, audience_list, phones, customers, {}, "email").value
    )


def test_contacts_none_of_which_can_be_used_are_one_sentence_with_the_counts() -> None:
    phones = pd.DataFrame(
        {"phone": ["07700 900123", "12"], "country": [None, "GB"]},
        index=pd.Index(["1", "2"], name="customer_id"),
    )
    customers = pd.DataFrame({"segment": [0, 0]}, index=phones.index)
    with pytest.raises(UserError) as raised:
        audience_list(phones, customers, {}, "meta")
    assert str(raised.value) == (
        "None of the 2 customers has an e-mail, phone, or first name, last name and postcode "
        "Meta Custom Audiences can use (1 phone that is no number, 1 phone without a country "
        "code or a country to take it from), so there is nothing to send."
    )
