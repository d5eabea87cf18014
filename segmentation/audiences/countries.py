"""A customer's country as its ISO 3166-1 alpha-2 code, however the export writes it.

Exports write codes ("GB", "gb", "USA") or English names, and some their own ("EIRE" and
"RSA" in the Online Retail data). Ad platforms take the two-letter code; phone numbers
written without their country code take it from there.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers

# English names, short forms and three-letter codes of the countries exports name most; any
# two-letter code phone numbering knows is read as itself.
NAMES = {
    "GB": ("united kingdom", "uk", "great britain", "britain", "england", "scotland", "wales",
           "northern ireland", "gbr", "united kingdom of great britain and northern ireland"),
    "IE": ("ireland", "eire", "republic of ireland", "irl"),
    "US": ("united states", "united states of america", "usa", "america", "u s a", "u s"),
    "CA": ("canada", "can"), "AU": ("australia", "aus"), "NZ": ("new zealand", "nzl"),
    "DE": ("germany", "deutschland", "deu"), "FR": ("france", "fra"),
    "ES": ("spain", "espana", "esp"), "PT": ("portugal", "prt"), "IT": ("italy", "italia", "ita"),
    "NL": ("netherlands", "the netherlands", "holland", "nld"), "BE": ("belgium", "bel"),
    "LU": ("luxembourg",), "CH": ("switzerland", "che"), "AT": ("austria", "aut"),
    "DK": ("denmark", "dnk"), "NO": ("norway", "nor"), "SE": ("sweden", "swe"),
    "FI": ("finland", "fin"), "IS": ("iceland",), "PL": ("poland", "pol"),
    "CZ": ("czech republic", "czechia", "cze"), "SK": ("slovakia",), "HU": ("hungary",),
    "SI": ("slovenia",), "HR": ("croatia",), "RO": ("romania",), "BG": ("bulgaria",),
    "GR": ("greece", "grc"), "CY": ("cyprus",), "MT": ("malta",), "LT": ("lithuania",),
    "LV": ("latvia",), "EE": ("estonia",), "RS": ("serbia",), "UA": ("ukraine",),
    "RU": ("russia", "russian federation"), "TR": ("turkey", "turkiye"),
    "IL": ("israel",), "LB": ("lebanon",), "BH": ("bahrain",), "QA": ("qatar",),
    "KW": ("kuwait",), "AE": ("united arab emirates", "uae"), "SA": ("saudi arabia",),
    "EG": ("egypt",), "MA": ("morocco",), "NG": ("nigeria",), "KE": ("kenya",),
    "ZA": ("south africa", "rsa", "zaf"), "JP": ("japan", "jpn"), "CN": ("china", "chn"),
    "HK": ("hong kong",), "TW": ("taiwan",), "KR": ("south korea", "korea", "republic of korea"),
    "SG": ("singapore",), "MY": ("malaysia",), "TH": ("thailand",), "ID": ("indonesia",),
    "PH": ("philippines",), "VN": ("vietnam", "viet nam"), "IN": ("india", "ind"),
    "PK": ("pakistan",), "BD": ("bangladesh",), "BR": ("brazil", "brasil", "bra"),
    "MX": ("mexico", "mex"), "AR": ("argentina",), "CL": ("chile",), "CO": ("colombia",),
    "PE": ("peru",),
}  # fmt: skip
_NOT_LETTERS = re.compile(r"[^a-z]+")


@cache
def _by_name() -> dict[str, str]:
    return {name: code for code, names in NAMES.items() for name in names}


@cache
def iso_code(value: str) -> str | None:
    """The two-letter code (upper case) of a country written as a code or a name, or None when
    it is neither ("Unspecified", "European Community")."""
    text = _NOT_LETTERS.sub(" ", value.strip().lower()).strip()
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    return _by_name().get(text)
