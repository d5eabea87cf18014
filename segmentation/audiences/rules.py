"""Contact details normalised as each ad platform says, before they are hashed.

A hash matches only if both sides wrote the value the same way, so each rule is the
platform's published one:

- **Meta** (Customer Information Parameters, the rules of a customer list): e-mail trimmed
  and lower-cased; phone digits only, with the country code, no leading zeros or "+"; first
  and last names lower-case with no punctuation, special characters kept in UTF-8; zip
  lower-case with no spaces or dash, the first 5 digits for the US; country the lower-case
  ISO 3166-1 alpha-2 code. All hashed.
- **Google** (Customer Match's formatting guidelines and the Data Manager API's): e-mail
  lower-cased with all whitespace removed and, for gmail.com and googlemail.com, the dots
  and any "+suffix" of the part before the "@" removed; phone in E.164 ("+" and country
  code); names lower-case, without punctuation, the given name without a prefix ("Mrs.")
  and the family name without a suffix ("Jr."). Hashed. Country (two-letter code) and Zip
  are sent as they are, not hashed.

A phone number written without its country code takes the customer's country; without one
it cannot be used.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import phonenumbers

from segmentation.audiences.countries import iso_code

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
_SPACES = re.compile(r"\s+")
_PREFIXES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"})


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 text, as 64 lower-case hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def meta_email(value: str) -> str | None:
    """Trimmed and lower-cased, when it is an e-mail address; else None."""
    text = value.strip().lower()
    return text if EMAIL.fullmatch(text) else None


def google_email(value: str) -> str | None:
    """Lower-cased without whitespace; a Gmail address without the dots and "+suffix" of its
    local part (Gmail ignores them); None when it is no e-mail address."""
    text = _SPACES.sub("", value).lower()
    if not EMAIL.fullmatch(text):
        return None
    local, _, domain = text.rpartition("@")
    if domain in GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        return f"{local}@{domain}" if local else None
    return text


class PhoneProblem(ValueError):
    """Why a phone number cannot be used: ``no_country`` (written without a country code, and
    the customer has no country to take it from) or ``invalid``."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def e164(value: str, country: str | None) -> str:
    """The number in E.164 ("+16505551212"): its own country code when written with one
    ("+44…", "0044…"), else the one of ``country`` (a code or name). Raises PhoneProblem."""
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    region = iso_code(country) if country else None
    if not text.startswith("+") and region is None:
        raise PhoneProblem("no_country")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise PhoneProblem("invalid") from None
    if not phonenumbers.is_possible_number(number):
        raise PhoneProblem("invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def meta_phone(value: str, country: str | None) -> str:
    """Digits only, country code first (E.164 without its "+"). Raises PhoneProblem."""
    return e164(value, country)[1:]


def _words(value: str) -> list[str]:
    """Lower-case words with punctuation and symbols dropped, letters of any script kept."""
    kept = "".join(
        c for c in unicodedata.normalize("NFC", value.lower())
        if not unicodedata.category(c).startswith(("P", "S"))
    )  # fmt: skip
    return kept.split()


def meta_name(value: str) -> str | None:
    """Lower-case with no punctuation ("Valéry" → "valéry", "O'Neil" → "oneil")."""
    return " ".join(_words(value)) or None


def google_name(value: str, *, given: bool) -> str | None:
    """Lower-case with no punctuation, without a prefix before a given name ("Mrs. Ana" →
    "ana") or a suffix after a family name ("Smith Jr." → "smith")."""
    words = _words(value)
    if given:
        while words and words[0] in _PREFIXES:
            words = words[1:]
    else:
        while words and words[-1] in _SUFFIXES:
            words = words[:-1]
    return " ".join(words) or None


def split_name(value: str) -> tuple[str | None, str | None]:
    """A full name ("Ana María Lopez") as its first word and the rest, for exports with one
    name column ("Billing Name"); a single word is a first name."""
    words = _SPACES.sub(" ", value).strip().split(" ")
    first = words[0] or None
    return first, " ".join(words[1:]) or None


def meta_zip(value: str, country: str | None) -> str | None:
    """Lower-case with no spaces or dash; a US zip's first 5 digits ("94035-1234" → "94035")."""
    text = re.sub(r"[\s\-]+", "", value).lower()
    if (iso_code(country) if country else None) == "US":
        text = text[:5]
    return text or None


def google_zip(value: str) -> str | None:
    """As written, trimmed (Customer Match takes zip codes unhashed: "WC2H 8LG", "94016")."""
    return _SPACES.sub(" ", value).strip() or None


def country_code(value: str) -> str | None:
    """The lower-case two-letter code ("United States" → "us"), or None."""
    code = iso_code(value)
    return code.lower() if code else None
