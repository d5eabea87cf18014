"""Decide how an export writes its dates: ISO, a spelled-out month, or day and month in
numbers, and which of those comes first. The reading itself is ``values.timestamp``."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

ISO = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
SLASHED = re.compile(r"^\s*(?P<first>\d{1,2})[/.\-](?P<second>\d{1,2})[/.\-](?P<year>\d{2,4})")
# Excel's d-mmm-yy ("11-Feb-17") and its kin: 1-Feb-2017, 11 Feb 17, 11/Feb/2017.
# (No back-reference to the first separator: Arrow's RE2 has none; strptime checks both.)
NAMED_MONTH = re.compile(r"^\s*\d{1,2}(?P<sep>[-/ ])[A-Za-z]{3}[-/ ](?P<year>\d{2,4})")
# Where a file writes years both ways, two-digit years go first: %y never reads "2017" (the
# text would not end there), while %Y would read "17" as the year 17. A format that fails
# costs more than one that reads, so a file written one way is read that way only.
BOTH_YEARS = ("%y", "%Y")
CLOCKS = (" %H:%M", " %H:%M:%S", "", " %I:%M %p", " %I:%M:%S %p", "T%H:%M:%S")


@dataclass(frozen=True)
class DateOrder:
    """How the dates were read: 'ISO', 'day-first', 'month-first' or 'native' (typed cells)."""

    order: str
    assumed: bool = False

    def describe(self) -> str | None:
        """A sentence for the audit when the order was a guess, else None."""
        if not self.assumed:
            return None
        return (
            f"Every date in the file could be read either way; I assumed {self.order} "
            "(e.g. 03/04 = "
            + ("3 April" if self.order == "day-first" else "4 March")
            + "). Tell me if that is wrong."
        )


def date_reading(texts: pa.Array) -> tuple[tuple[str, ...] | None, DateOrder]:
    """How to read a column of date texts, decided on its distinct values (``texts``):
    the strptime formats to try in turn (None for ISO 8601, read as such) and the order
    found. Mostly ISO wins; then dates with a spelled-out month (the day is first); else
    the day/month order the numbers show, month-first when nothing tells them apart.
    """
    sample = pc.drop_null(pc.utf8_trim_whitespace(texts.cast(pa.string())))
    if not len(sample):
        return None, DateOrder("ISO")
    iso = pc.match_substring_regex(sample, ISO.pattern)
    if pc.mean(iso.cast(pa.float64())).as_py() >= 0.5:
        return None, DateOrder("ISO")
    named = pc.match_substring_regex(sample, NAMED_MONTH.pattern)
    if pc.mean(named.cast(pa.float64())).as_py() >= 0.5:
        # The month is spelled out, so the order is certain: the day comes first.
        years = _years(sample, NAMED_MONTH)
        return _named_month_formats(sample.to_pylist(), years), DateOrder("day-first")
    order = _slashed_order(sample)
    years = _years(sample, SLASHED)
    return _slashed_formats(sample[0].as_py(), order.order == "day-first", years), order


def _years(sample: pa.Array, pattern: re.Pattern) -> tuple[str, ...]:
    """The year formats the dates need: %Y or %y when every year is written one way."""
    parts = pc.extract_regex(sample, pattern.pattern)
    digits = pc.unique(pc.utf8_length(parts.filter(parts.is_valid()).field("year")))
    written = set(digits.to_pylist())
    return ("%Y",) if written == {4} else ("%y",) if written == {2} else BOTH_YEARS


def _slashed_order(sample: pa.Array) -> DateOrder:
    parts = pc.extract_regex(sample, SLASHED.pattern)
    parts = parts.filter(parts.is_valid())  # texts that are not dates at all
    first = pc.cast(parts.field("first"), pa.int32(), safe=False)
    second = pc.cast(parts.field("second"), pa.int32(), safe=False)
    if pc.any(pc.greater(first, 12)).as_py():
        return DateOrder("day-first")
    if pc.any(pc.greater(second, 12)).as_py():
        return DateOrder("month-first")
    return DateOrder("month-first", assumed=True)


def _slashed_formats(head: str, dayfirst: bool, years: tuple[str, ...]) -> tuple[str, ...]:
    match = SLASHED.match(head)
    sep = head[match.end(1)] if match else "/"
    day_month = f"%d{sep}%m" if dayfirst else f"%m{sep}%d"
    return tuple(f"{day_month}{sep}{year}{clock}" for year in years for clock in CLOCKS)


def _named_month_formats(sample: list[str], years: tuple[str, ...]) -> tuple[str, ...]:
    match = next(filter(None, map(NAMED_MONTH.match, sample)), None)
    sep = match.group("sep") if match else "-"
    # %b reads Feb, FEB and feb alike.
    return tuple(f"%d{sep}%b{sep}{year}{clock}" for year in years for clock in CLOCKS)
