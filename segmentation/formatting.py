"""How segbot writes numbers, money, sizes, times and weekdays: one spelling everywhere."""

from __future__ import annotations

from segmentation.currency import currency_label

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection");
# the full-width forms are included because some spreadsheets normalise them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
LIFT_PLACES = 6  # a lift closer to 1 than this is said as "over 1×"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def money(value: float, currency: str | None = None) -> str:
    """``1234.5`` → ``1,234.50``; with a currency ``£1,234.50`` or ``1,234.50 CHF``."""
    text = f"{abs(value):,.2f}"
    sign = "-" if value < 0 else ""
    label = currency_label(currency)
    if not label:
        return f"{sign}{text}"
    if label != currency.upper():  # a symbol of its own goes in front
        return f"{sign}{label}{text}"
    return f"{sign}{text} {label}"


def number(value: float) -> str:
    """``4`` for whole numbers, ``3.5`` otherwise (medians of counts can fall between two)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 order``, ``1,204 orders``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def utc_label(iso: str | None) -> str:
    """``2024-05-01T09:30:00+00:00`` → ``2024-05-01 09:30 UTC`` (``?`` when unknown)."""
    if not iso:
        return "?"
    return iso[:16].replace("T", " ") + " UTC"


def size_label(size: int) -> str:
    """``45 MB``, ``812 KB``, ``93 bytes``."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:,.0f} MB"
    if size >= 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size} bytes"


def times(ratio: float) -> str:
    """``1.2549`` → ``1.25×``, ``23.95`` → ``24×``: two decimals below 10, so a ratio held
    to a threshold such as 1.25 never reads as below it."""
    return f"{ratio:,.2f}×" if ratio < 10 else f"{ratio:,.0f}×"


def lift_label(lift: float) -> str:
    """How many times as often, e.g. a segment's rate of buying a product over everyone's:
    one decimal (``1.26`` → ``1.3×``, ``3.1`` → ``3.1×``), and as many more as it takes for a
    lift other than 1 never to read as 1 (``1.04`` → ``1.04×``, ``1.004`` → ``1.004×``): a
    product said to be bought more than by the rest is never shown at "1.0×"."""
    for places in range(1, LIFT_PLACES + 1):
        text = f"{lift:,.{places}f}"
        if lift == 1 or float(text.replace(",", "")) != 1:
            return f"{text}×"
    return f"{'over' if lift > 1 else 'under'} 1×"


def neutralise(text: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a single quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
