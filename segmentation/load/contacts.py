"""The contact fields an export may carry beside the customer id, and the headers that name them.

Contacts are optional: an export without them is segmented as before, and only the audience
exports read them. A store's export usually names the buyer's e-mail, phone, names and
postcode on the order ("Email", "Billing Name", "Billing Phone", "Billing Zip" in Shopify's
orders export; "Billing Email Address", "Billing First Name", "Billing Last Name", "Billing
Phone", "Billing Postcode" in WooCommerce's; "Customer Email" in Stripe's payments; "Email
Address", "Phone Number", "Postal Code" in Square's customers). The customer's country is the
``country`` field, read already.
"""

from __future__ import annotations

from collections.abc import Mapping

from segmentation.engine.contacts import CONTACT_FIELDS
from segmentation.load.headers import header_words

# Who a contact belongs to, written before or after the field's own words.
_PREFIXES = ("", "billing", "customer", "contact", "buyer", "shipping")
_SUFFIXES = ("(billing)", "(shipping)")
_WORDS: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "mail", "emailaddr"),
    "phone": (
        "phone",
        "phonenumber",
        "telephone",
        "telephonenumber",
        "tel",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "cellphone",
        "cell",
    ),
    "first_name": ("firstname", "givenname", "forename", "fname"),
    "last_name": ("lastname", "surname", "familyname", "lname"),
    # Not "customername": without a customer id, that column is who bought.
    "full_name": (
        "billingname",
        "shippingname",
        "fullname",
        "contactname",
        "customerfullname",
        "cardname",
        "cardholdername",  # Stripe: the name on the card
    ),
    "postcode": ("postcode", "postalcode", "zip", "zipcode", "postal", "zip/postalcode"),
}


def _spellings(field: str) -> tuple[str, ...]:
    """Normalised headers for ``field``: its words alone, after a prefix, before a suffix."""
    words = _WORDS[field]
    if field == "full_name":
        return words
    found = [p + w for w in words for p in _PREFIXES] + [w + s for w in words for s in _SUFFIXES]
    return tuple(dict.fromkeys(found))


# Normalised as ``columns.normalise_header`` writes them, in priority order.
CONTACT_ALIASES: dict[str, tuple[str, ...]] = {f: _spellings(f) for f in CONTACT_FIELDS}

CONTACT_HELP = {
    "email": "the customer's e-mail address (for audiences)",
    "phone": "the customer's phone number (for audiences)",
    "first_name": "the customer's first name (for audiences)",
    "last_name": "the customer's last name (for audiences)",
    "full_name": "the customer's full name, when there is no first and last name column",
    "postcode": "the customer's postcode or zip (for audiences)",
}


# Words that name a contact when no alias did ("Contact Email Address", "Cell Phone No"), and
# words saying a column is about the contact rather than the contact ("Email Opt-In").
_HEADS = {
    "email": {"email"},
    "phone": {"phone", "mobile", "tel", "telephone", "cell"},
    "postcode": {"zip", "postcode", "postal"},
    "first_name": {"first", "given", "forename"},
    "last_name": {"last", "surname", "family"},
}
_NOT_THE_CONTACT = frozenset(
    {
        "opt", "optin", "in", "consent", "accepts", "marketing", "subscribed", "subscriber",
        "verified", "status", "type", "count", "date", "time", "bounced", "sent", "valid",
        "flag", "id", "campaign", "source", "order", "region", "city", "country", "state",
        "town", "county", "method", "carrier", "service",
    }
)  # fmt: skip

# A buyer's name in a column that is who bought when there is no customer id: a name only
# once the customer is another column.
NAME_COLUMNS = ("customername", "clientname", "buyername")


def complete(mapping: dict[str, str], by_norm: Mapping[str, str]) -> None:
    """Contacts found once the other fields are: ``email`` reads the customer column when
    that column is the e-mail ("Email" in a Shopify export) and no other column is; a
    "Customer Name" column beside a customer id is the full name. ``by_norm`` maps normalised
    headers to the export's. Changes ``mapping`` in place."""
    customer = mapping.get("customer")
    if customer is None:
        return
    header = next((norm for norm, column in by_norm.items() if column == customer), "")
    if "email" not in mapping and (header in CONTACT_ALIASES["email"] or "email" in header):
        mapping["email"] = customer
    taken = set(mapping.values())
    if not {"full_name", "first_name", "last_name"} & set(mapping):
        names = [by_norm[n] for n in NAME_COLUMNS if n in by_norm and by_norm[n] not in taken]
        if names:
            mapping["full_name"] = names[0]
    _by_words(mapping, list(dict.fromkeys(by_norm.values())))


def _by_words(mapping: dict[str, str], headers: list[str]) -> None:
    """Contact fields still missing, from the one free header whose words name them ("Buyer
    Phone #"); none where two headers could be it, or a word says it is not the contact."""
    for field, heads in _HEADS.items():
        if field in mapping or (field.endswith("name") and "full_name" in mapping):
            continue
        taken = set(mapping.values())
        found = []
        for header in headers:
            words = set(header_words(header))
            named = field.endswith("_name") and not ({"name", "surname", "forename"} & words)
            if header in taken or not heads & words or words & _NOT_THE_CONTACT or named:
                continue
            found.append(header)
        if len(found) == 1:
            mapping[field] = found[0]
