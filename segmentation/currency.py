"""Which currency an export's amounts are in: symbols, ISO 4217 codes and labels.

``load_export`` records the currency it finds (``Export.currency``); this module holds
the tables it reads symbols and codes with, the one rule for picking a currency from what
was seen, and ``currency_label`` for showing one.
"""

from __future__ import annotations

import re
from collections import Counter

from segmentation.errors import ExportError, quoted

# Symbol (as written next to an amount) -> ISO 4217 code. A bare "$" is read as US dollars
# and a bare "¥" as yen; both are shared by other currencies, so the note says it was a guess.
SYMBOLS: dict[str, str] = {
    "£": "GBP",
    "€": "EUR",
    "$": "USD",
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "₱": "PHP",
    "฿": "THB",
    "zł": "PLN",
}
SHARED_SYMBOLS = {
    "$": "$ is also used for Canadian, Australian and other dollars",
    "¥": "¥ is also used for the Chinese yuan",
}

# Codes recognised inside amount text ("EUR 12.50"). Kept to common ones: a longer list would
# start reading words such as "ALL" (the Albanian lek) in a price column as currencies.
KNOWN_CODES = frozenset(
    [
        "GBP",
        "EUR",
        "USD",
        "CAD",
        "AUD",
        "NZD",
        "CHF",
        "JPY",
        "CNY",
        "HKD",
        "SGD",
        "INR",
        "KRW",
        "BRL",
        "MXN",
        "ZAR",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "TRY",
        "ILS",
        "AED",
        "SAR",
        "RUB",
        "THB",
        "PHP",
        "VND",
        "IDR",
        "MYR",
        "TWD",
    ]
)

# Labels for showing amounts: the symbol where it names one currency, otherwise the code.
LABELS: dict[str, str] = {
    "GBP": "£",
    "EUR": "€",
    "USD": "$",
    "JPY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "ILS": "₪",
    "TRY": "₺",
}

_SYMBOL_PATTERN = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_IN_TEXT = re.compile(rf"(?P<symbol>{_SYMBOL_PATTERN})|\b(?P<code>[A-Z]{{3}})\b")
_ISO_LOOKING = re.compile(r"[A-Za-z]{3}")
NOT_CODES = frozenset({"NAN", "NIL", "NUL"})  # how empty cells are often spelled


def currency_label(code: str | None) -> str:
    """How to show a currency next to an amount: "GBP" -> "£", "CHF" -> "CHF", None -> "".

    A symbol is used only where it belongs to that one currency in ``LABELS``
    ("USD" -> "$"); every other code is shown as the code itself.
    """
    if not code:
        return ""
    return LABELS.get(code.upper(), code.upper())


def checked_code(option: str) -> str:
    """The upper-cased code for an explicit currency option, or ExportError if it is not one."""
    text = str(option).strip()
    if not _ISO_LOOKING.fullmatch(text):
        raise ExportError(
            f"'{quoted(option)}' is not a currency code. Give a three-letter ISO code such as "
            "GBP, USD or EUR."
        )
    return text.upper()


def sign_in_text(text: str) -> str | None:
    """The currency symbol or known code written in an amount ('£12.50' -> '£'), else None."""
    for match in _IN_TEXT.finditer(text):
        if match.group("symbol"):
            return match.group("symbol")
        if match.group("code") in KNOWN_CODES:
            return match.group("code")
    return None


def code_of_value(value: str) -> str | None:
    """Read a currency column's cell: an ISO-looking code ('gbp' -> 'GBP') or a symbol."""
    text = str(value).strip()
    if _ISO_LOOKING.fullmatch(text) and text.upper() not in NOT_CODES:
        return text.upper()
    return SYMBOLS.get(text)


def decide(
    *,
    option: str | None,
    column: Counter[str],
    column_name: str | None,
    written: Counter[str],
) -> tuple[str | None, str | None, list[str]]:
    """Pick the export's currency: ``(code, source, notes)``.

    ``column`` counts rows per code in the currency column; ``written`` counts rows per
    symbol or code as written in the amount/price text ("£", "EUR"). The option wins,
    then the column, then the text; ``source`` says which ("option", "column",
    "symbols"). A currency column with more than one code raises ExportError (amounts in
    two currencies are never added up); more than one symbol in the amounts' text gives None
    and a note.
    """
    from_text: Counter[str] = Counter()
    for sign, rows in written.items():
        from_text[SYMBOLS.get(sign, sign)] += rows
    found = column or from_text
    where = f"Column '{column_name}' holds" if column else "The amounts are written in"
    if option is not None:
        if found and option not in found:
            return (
                option,
                "option",
                [
                    f"{where} {_listing(found)}; I used {option} as you asked, "
                    "without converting any amount."
                ],
            )
        return option, "option", []
    if not found:
        return None, None, []
    if len(found) > 1 and column:
        counts = ", ".join(f"{code} on {rows:,} line(s)" for code, rows in column.most_common())
        raise ExportError(
            f"Column '{column_name}' holds more than one currency ({counts}), and I can't add "
            "them up without converting: export one currency at a time (or filter the file "
            "to one), or set the currency if the amounts are really all in one."
        )
    if len(found) > 1:
        return (
            None,
            None,
            [
                f"{where} more than one currency ({_listing(found)}); amounts are added up as "
                "they are, without conversion. Set the currency if one of them is right."
            ],
        )
    code = next(iter(found))
    if column:
        return code, "column", []
    signs = " and ".join(f"'{sign}'" for sign in sorted(written))
    note = f"I took the currency to be {code} from the {signs} written with the amounts"
    shared = [SHARED_SYMBOLS[sign] for sign in sorted(written) if sign in SHARED_SYMBOLS]
    if shared:
        note += f" ({'; '.join(shared)})"
    return code, "symbols", [note + ". Set the currency if that is wrong."]


def _listing(counts: Counter[str]) -> str:
    return ", ".join(code for code, _ in counts.most_common())
