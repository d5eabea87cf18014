"""Contact fields in the load: guessed from the headers store platforms write, mappable, kept as
text, and read back by the engine as one row per customer (each field's latest value)."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from segmentation.engine import contacts_frame, contacts_table, prepare_frame
from segmentation.errors import ExportError
from segmentation.load import load_export
from segmentation.load.columns import match_columns
from sources.columns import normalise_table

BASE = ["Order ID", "Order Date", "Total"]
BASE_FIELDS = {"customer", "date", "amount"}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (  # Shopify orders export: the customer is the e-mail, the order's billing contacts
            ["Name", "Email", "Created at", "Lineitem quantity", "Lineitem price",
             "Billing Name", "Billing Phone", "Billing Zip", "Billing Country"],
            {"email": "Email", "phone": "Billing Phone", "full_name": "Billing Name",
             "postcode": "Billing Zip", "country": "Billing Country"},
        ),
        (  # WooCommerce: billing fields named one by one
            ["Order Number", "Order Date", "Order Status", "Customer ID", "Item Cost", "Quantity",
             "Billing Email Address", "Billing First Name", "Billing Last Name", "Billing Phone",
             "Billing Postcode", "Billing Country"],
            {"email": "Billing Email Address", "first_name": "Billing First Name",
             "last_name": "Billing Last Name", "phone": "Billing Phone",
             "postcode": "Billing Postcode", "country": "Billing Country"},
        ),
        (  # Stripe payments: a customer id and the customer's e-mail
            ["id", "Created date (UTC)", "Amount", "Status", "Customer ID", "Customer Email",
             "Card Name", "Card Address Zip"],
            {"email": "Customer Email", "full_name": "Card Name", "postcode": "Card Address Zip"},
        ),
        (  # Square's customers' columns beside an item sales export
            ["Date", "Item", "Qty", "Net Sales", "Transaction ID", "Customer ID",
             "Email Address", "Phone Number", "Postal Code"],
            {"email": "Email Address", "phone": "Phone Number", "postcode": "Postal Code"},
        ),
        (  # a hand-made sheet
            [*BASE, "Client Ref", "E-mail", "Mobile", "First Name", "Surname", "Zip"],
            {"email": "E-mail", "phone": "Mobile", "first_name": "First Name",
             "last_name": "Surname", "postcode": "Zip"},
        ),
        (  # the sales sample's contact columns
            ["ORDERNUMBER", "ORDERDATE", "SALES", "CUSTOMERNAME", "PHONE", "POSTALCODE",
             "COUNTRY", "CONTACTLASTNAME", "CONTACTFIRSTNAME"],
            {"phone": "PHONE", "postcode": "POSTALCODE", "country": "COUNTRY",
             "first_name": "CONTACTFIRSTNAME", "last_name": "CONTACTLASTNAME"},
        ),
    ],
)  # fmt: skip
def test_contact_columns_are_guessed_from_platform_headers(headers, expected) -> None:
    mapping = match_columns(headers)
    contacts = {f: c for f, c in mapping.items() if f in {*expected, "email", "phone"}}
    assert contacts == expected


def test_headers_no_alias_foresees_are_read_by_their_words() -> None:
    headers = ["Customer ID", "Date", "Amount", "Contact Email Address", "Buyer Phone #",
               "Ship-to Zip", "Email Opt-In", "Phone Type", "Postal Region", "Mail Order"]  # fmt: skip
    contacts = {f: c for f, c in match_columns(headers).items() if f not in BASE_FIELDS}
    assert contacts == {
        "email": "Contact Email Address", "phone": "Buyer Phone #", "postcode": "Ship-to Zip",
    }  # fmt: skip
    # Two headers that could each be the e-mail: neither is guessed.
    assert "email" not in match_columns(["Customer ID", "Date", "Amount", "Work Email Addr",
                                         "Home Email Addr"])  # fmt: skip


def test_the_customer_keeps_its_column_and_a_name_column_is_who_bought_without_an_id() -> None:
    assert match_columns(["Email", "Date", "Amount"]) == {
        "customer": "Email", "date": "Date", "amount": "Amount", "email": "Email",
    }  # fmt: skip
    # Without a customer id the name is who bought, and no contact.
    assert match_columns(["Customer Name", "Date", "Amount"]) == {
        "customer": "Customer Name", "date": "Date", "amount": "Amount",
    }  # fmt: skip
    # A numeric customer id is never taken for an e-mail.
    assert "email" not in match_columns(["Customer ID", "Date", "Amount"])


def test_contact_fields_are_mappable_by_name() -> None:
    headers = ["Customer ID", "Date", "Amount", "Contact", "Tel. (home)"]
    mapping = match_columns(headers, {"email": "Contact", "phone": "Tel. (home)"})
    assert (mapping["email"], mapping["phone"]) == ("Contact", "Tel. (home)")
    with pytest.raises(ExportError, match="postcode='Zip code'"):
        match_columns(headers, {"postcode": "Zip code"})


def test_contacts_are_text_and_come_back_once_per_customer_latest_first() -> None:
    data = (
        "Customer ID,Date,Amount,Email,Phone,Zip\n"
        "1,2024-01-02,10,old@example.com,07700 900123,02134\n"
        "1,2024-03-02,10,new@example.com,,\n"
        "2,2024-02-02,5,,,\n"
        "3,2024-02-05,5,c@example.com,0044 20 7946 0000,SW1A 1AA\n"
        "3,2024-01-05,5,earlier@example.com,,\n"
    )
    export = load_export(data.encode(), name="shop.csv")
    assert export.transactions["phone"].tolist()[0] == "07700 900123"  # not a number
    contacts = contacts_frame(export.transactions).drop(columns="country")  # none in this file
    assert contacts.to_dict("index") == {
        "1": {"email": "new@example.com", "phone": "07700 900123", "postcode": "02134"},
        "2": {"email": None, "phone": None, "postcode": None},
        "3": {"email": "c@example.com", "phone": "0044 20 7946 0000", "postcode": "SW1A 1AA"},
    }
    # Segmenting reads none of it: the features are those of the export without contacts.
    plain = load_export(
        "\n".join(line.rsplit(",", 3)[0] for line in data.splitlines()).encode(), name="p.csv"
    )
    assert prepare_frame(export.transactions).customers.equals(
        prepare_frame(plain.transactions).customers
    )


def test_an_export_without_contacts_has_none() -> None:
    export = load_export(b"Customer ID,Date,Amount\n1,2024-01-02,10\n", name="x.csv")
    assert contacts_frame(export.transactions).shape == (0, 0)


def test_a_source_passes_its_contact_columns_to_its_own_engine() -> None:
    raw = ibis.memtable(
        pd.DataFrame(
            {
                "cust": [1, 1, 2],
                "ts": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-03"]),
                "value": [10.0, 12.0, 3.0],
                "mail": ["a@example.com", None, "b@example.com"],
                "mobile": ["+44 7700 900123", "+44 7700 900999", None],
            }
        )
    )
    table = normalise_table(
        raw, {"customer": "cust", "date": "ts", "amount": "value", "email": "mail",
              "phone": "mobile"}, what="The source 'shop'",
    )  # fmt: skip
    assert contacts_table(table).to_dict("index") == {
        "1": {"email": "a@example.com", "phone": "+44 7700 900999"},
        "2": {"email": "b@example.com", "phone": None},
    }


def test_an_error_quoting_cells_of_a_contact_column_shows_no_contact() -> None:
    data = (
        "Customer ID,Date,Amount,Email,Phone\n"
        "1,2024-01-02,10,ana.lopez@example.com,+44 7700 900123\n"
        "2,2024-01-03,12,bo@example.org,(650)555-1212\n"
    )
    said = {}
    for wrong in ("Email", "Phone"):
        with pytest.raises(ExportError) as raised:
            load_export(data.encode(), name="shop.csv", mapping={"date": wrong})
        said[wrong] = str(raised.value)
    assert said["Email"].startswith(
        "None of the dates in column 'Email' could be read (e.g. '(an e-mail address)', "
        "'(an e-mail address)'). "
    )
    assert said["Phone"].startswith(
        "None of the dates in column 'Phone' could be read (e.g. '(a phone number)', "
        "'(a phone number)'). "
    )


def test_a_parser_s_message_quoting_a_whole_line_shows_no_contact() -> None:
    message = str(
        ExportError(
            "`x.csv` could not be read as a table: CSV parse error: Expected 5 columns, got 6: "
            "1,2024-01-02,10,ana@example.com,+44 7700 900123,(+12.5%)"
        )
    )
    assert message.endswith("got 6: 1,2024-01-02,10,(an e-mail address),(a phone number),(+12.5%)")
