"""Audience lists, checked against the worked examples the platforms publish.

Meta: "Customer Information Parameters" (developers.facebook.com/docs/marketing-api/
conversions-api/parameters/customer-information-parameters), whose normalisation a customer
list follows; its examples are quoted below as input → normalised → SHA-256.
Google: the Data Manager API's "Format user data" (developers.google.com/data-manager/api/
devguides/concepts/formatting) and "Send audience members" (…/devguides/audiences/
send-audience-members), whose sample members are quoted with their hashes; and Customer
Match's CSV template (support.google.com/google-ads/answer/7659867), which writes names
with their accents and Country and Zip unhashed ("test4@gmail.com,zoë,pérez,sg,WC2H 8LG").
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

import segmentation.audiences.rules as rules
from segmentation.audiences import email_tool_list, google_list, meta_list
from segmentation.audiences.countries import iso_code


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# Meta's table: (field, input, normalised, SHA-256 as the doc prints it).
META_EXAMPLES = [
    ("em", "John_Smith@gmail.com", "john_smith@gmail.com",
     "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"),
    ("ph", "(650)555-1212", "16505551212",  # "US (650)555-1212"
     "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"),
    ("fn", "Mary", "mary", "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"),
    ("fn", "Valéry", "valéry", "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"),
    ("fn", "정", "정", "8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14"),
    ("country", "United States", "us",
     "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"),
]  # fmt: skip
META_RULES = {
    "em": rules.meta_email,
    "ph": lambda value: rules.meta_phone(value, "US"),
    "fn": rules.meta_name,
    "country": rules.country_code,
}


@pytest.mark.parametrize(("field", "given", "normalised", "sha256"), META_EXAMPLES)
def test_meta_normalises_and_hashes_as_its_documentation_shows(field, given, normalised, sha256):
    assert META_RULES[field](given) == normalised
    assert rules.sha256_hex(normalised) == sha256


def test_meta_zip_codes_as_its_documentation_writes_them() -> None:
    # "Use lowercase with no spaces and no dash. Use only the first 5 digits for U.S. zip
    # codes. Use the area, district, and sector format for the UK." Examples: US 94035,
    # Australia 1987, France 75018, UK m11ae.
    assert rules.meta_zip("94035-1234", "United States") == "94035"
    assert rules.meta_zip("1987", "AU") == "1987"
    assert rules.meta_zip("75018", "France") == "75018"
    assert rules.meta_zip("M1 1AE", "United Kingdom") == "m11ae"


def test_meta_names_lose_punctuation_and_phones_their_zeros_and_symbols() -> None:
    # "Lowercase only with no punctuation"; phones: "Remove symbols, letters, and any leading
    # zeros", with the country code.
    assert rules.meta_name("  O'Brien-Smith ") == "obriensmith"
    assert rules.meta_phone("0044 20 7946 0000", None) == "442079460000"
    assert rules.meta_phone("07700 900123", "United Kingdom") == "447700900123"
    assert rules.meta_email(" Ana@Example.COM ") == "ana@example.com"


# Google's sample members: (input, formatted, SHA-256 hex as the guide prints it).
GOOGLE_EMAILS = [
    ("DanaM@example.com", "danam@example.com",
     "1df6b43bc68dd38eca94e6a65b4f466ae537b796c81a526918b40ac4a7b906c7"),
    ("ALEXF@example.com", "alexf@example.com",
     "19de0a9906ebee29fe82087be5ec44f3c01e40730bc808b663c71f19dd6b12f2"),
    ("quinn@CYMBALGROUP.com", "quinn@cymbalgroup.com",
     "05bb62526f091b45d20e243d194766cca8869137421047dc53fa4876d111a6f0"),
    ("cloudySanFrancisco@GMAIL.com", "cloudysanfrancisco@gmail.com",
     "223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4"),
]  # fmt: skip
GOOGLE_PHONES = [
    ("+1-800-555-0100", "+18005550100",
     "fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30"),
    ("+1-800-555-0110", "+18005550110",
     "525c2390a4e2a9766fa8ddc341dd10414603baebefa401f5a5e29f55e176525d"),
]  # fmt: skip


@pytest.mark.parametrize(("given", "formatted", "sha256"), GOOGLE_EMAILS)
def test_google_emails_as_its_sample_members(given, formatted, sha256) -> None:
    assert rules.google_email(given) == formatted
    assert rules.sha256_hex(formatted) == sha256


@pytest.mark.parametrize(("given", "formatted", "sha256"), GOOGLE_PHONES)
def test_google_phones_as_its_sample_members(given, formatted, sha256) -> None:
    assert rules.e164(given, None) == formatted
    assert rules.sha256_hex(formatted) == sha256


def test_google_formatting_rules_and_their_examples() -> None:
    # gmail.com and googlemail.com: "Remove all dots (.) before the @ symbol. Remove the plus
    # sign (+) from the local-part and remove all characters that follow it."
    assert rules.google_email("cloudy.sanfrancisco+shopping@gmail.com") == (
        "cloudysanfrancisco@gmail.com"
    )
    assert rules.google_email("a.b@googlemail.com") == "ab@googlemail.com"
    # "If the email address has a domain other than gmail.com or googlemail.com, don't
    # remove dots or plus signs."
    assert rules.google_email("user.name+NYC@Example.com") == "user.name+nyc@example.com"
    assert rules.meta_email("a.b@gmail.com") == "a.b@gmail.com"  # the dot rule is Google's
    # "the U.S. phone number (800)555-0100 should be formatted and normalized to +18005550100"
    assert rules.e164("(800)555-0100", "US") == "+18005550100"
    # given_name: "Don't include prefixes such as Mrs."; family_name: "Don't include
    # suffixes such as Jr."; both lower-case with no punctuation, accents kept (the template).
    assert rules.google_name("Mrs. Zoë", given=True) == "zoë"
    assert rules.google_name("Pérez Jr.", given=False) == "pérez"
    assert rules.google_zip(" WC2H 8LG ") == "WC2H 8LG"


def test_countries_become_two_letter_codes() -> None:
    assert [iso_code(v) for v in ("United Kingdom", "EIRE", "USA", "gb", "RSA", "UK")] == [
        "GB", "IE", "US", "GB", "ZA", "GB",
    ]  # fmt: skip
    assert iso_code("Unspecified") is None and iso_code("European Community") is None


PEOPLE = pd.DataFrame(
    {
        "email": [" John_Smith@gmail.com", "not an address", None, "j.doe@gmail.com", None],
        "phone": ["(650)555-1212", "07700 900123", "12", None, "+44 7700 900123"],
        "full_name": ["Mary Smith", None, "Ann Lee", "Jo Doe", None],
        "postcode": ["94035-1234", "M1 1AE", None, "SW1A 1AA", None],
        "country": ["United States", None, "GB", "United Kingdom", None],
    },
    index=pd.Index(["C1", "C2", "C3", "C4", "=C5"], name="customer_id"),
)


def test_a_meta_list_hashes_each_field_and_counts_what_it_left_out() -> None:
    made = meta_list(PEOPLE)
    rows = _rows(made.data)
    assert list(rows[0]) == ["email", "phone", "fn", "ln", "zip", "country", "extern_id"]
    assert rows[0] == {
        "email": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f",
        "phone": "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176",
        "fn": "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec",
        "ln": rules.sha256_hex("smith"),
        "zip": rules.sha256_hex("94035"),
        "country": "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621",
        "extern_id": "C1",
    }
    # C2: no address and a phone without country code nor country; C3: a phone too short,
    # but a name and a country to match on; =C5's id is neutralised for spreadsheets.
    assert [r["extern_id"] for r in rows] == ["C1", "C3", "C4", "'=C5"]
    assert (made.rows, made.customers, made.left_out) == (4, 5, 1)
    assert (made.bad_emails, made.bad_phones, made.phones_without_country) == (1, 1, 1)
    assert rows[2]["email"] == rules.sha256_hex("j.doe@gmail.com")  # dots kept for Meta


def test_a_google_list_hashes_contacts_but_not_country_and_zip() -> None:
    made = google_list(PEOPLE)
    rows = _rows(made.data)
    assert list(rows[0]) == ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"]
    assert rows[0]["Phone"] == rules.sha256_hex("+16505551212")
    assert rows[1] == {
        "Email": rules.sha256_hex("jdoe@gmail.com"),
        "Phone": "",
        "First Name": rules.sha256_hex("jo"),
        "Last Name": rules.sha256_hex("doe"),
        "Country": "gb",
        "Zip": "SW1A 1AA",
    }
    # C3 has no zip, so no full address: only two customers have something to match on
    # besides C5's phone.
    assert (made.rows, made.left_out) == (3, 2)
    assert rows[2]["Phone"] == rules.sha256_hex("+447700900123")


def test_address_columns_only_come_all_four_together_for_google() -> None:
    names_only = pd.DataFrame(
        {"email": ["a@example.com"], "first_name": ["Ana"], "last_name": ["Lopez"]},
        index=pd.Index(["1"], name="customer_id"),
    )
    assert _rows(google_list(names_only).data) == [{"Email": rules.sha256_hex("a@example.com")}]


def test_the_email_tool_list_holds_raw_contacts_tagged_with_the_segment() -> None:
    tags = pd.Series({"C1": "Champions, loyal", "C4": "=At risk"})
    products = pd.Series({"C1": ["JUMBO BAG", "=cmd|' /C calc'!A0"], "C4": None})
    made = email_tool_list(PEOPLE, tags, products)
    assert _rows(made.data) == [
        {"Email Address": "john_smith@gmail.com", "First Name": "Mary", "Last Name": "Smith",
         "Tags": "Champions  loyal", "Next Products": "JUMBO BAG; =cmd|' /C calc'!A0"},
        {"Email Address": "j.doe@gmail.com", "First Name": "Jo", "Last Name": "Doe",
         "Tags": "'=At risk", "Next Products": ""},
    ]  # fmt: skip
    assert (made.rows, made.bad_emails, made.left_out) == (2, 1, 3)
    plain = email_tool_list(PEOPLE, tags, None)
    assert list(_rows(plain.data)[0]) == ["Email Address", "First Name", "Last Name", "Tags"]
