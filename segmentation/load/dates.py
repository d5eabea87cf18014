"""Parse the many date spellings found in exports, deciding day/month order from the data."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ISO = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
SLASHED = re.compile(r"^\s*(?P<first>\d{1,2})[/.\-](?P<second>\d{1,2})[/.\-](?P<year>\d{2,4})")
# Excel's d-mmm-yy ("11-Feb-17") and its kin: 1-Feb-2017, 11 Feb 17, 11/Feb/2017.
# (No back-reference to the first separator: Arrow's RE2 has none; strptime checks both.)
NAMED_MONTH = re.compile(r"^\s*\d{1,2}(?P<sep>[-/ ])[A-Za-z]{3}[-/ ]\d{2,4}")
CLOCKS = (" %H:%M", " %H:%M:%S", "", " %I:%M %p", " %I:%M:%S %p", "T%H:%M:%S")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# datetime64[ns] holds 1677-09-21 .. 2262-04-11; dates beyond (1600-01-01, 9999-12-31) are
# saturated at these ends, so cleaning counts them as out of range instead of failing the file.
NS_FIRST, NS_LAST = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")


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


def parse_dates(values: pd.Series) -> tuple[pd.Series, DateOrder]:
    """Parse a column of dates; unparseable values become NaT.

    Takes any Series (datetimes, Excel serial numbers or text) and returns a
    datetime64 Series without time zone plus how the order was decided. Text is
    parsed once per distinct value, which is what makes large exports fast.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return _naive(values), DateOrder("native")
    if pd.api.types.is_numeric_dtype(values):
        return _from_excel_serial(values), DateOrder("native")
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories.astype("string")
        uniques = uniques.str.strip()
    else:
        codes, uniques = pd.factorize(values.astype("string").str.strip(), use_na_sentinel=True)
    parsed, order = _parse_unique_text(pd.Series(uniques, dtype="string"))
    # One gather per row; code -1 (missing) picks the NaT appended at the end.
    as_array = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    return pd.Series(as_array[codes], index=values.index, dtype="datetime64[ns]"), order


def _naive(values: pd.Series) -> pd.Series:
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return _as_ns(values)


def _as_ns(values: pd.Series) -> pd.Series:
    """Naive datetimes of any unit as datetime64[ns], saturating those it cannot hold."""
    if values.dtype == "datetime64[ns]":
        return values
    values = values.mask(values < NS_FIRST, NS_FIRST).mask(values > NS_LAST, NS_LAST)
    return values.astype("datetime64[ns]")


def _from_excel_serial(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    # Excel serials for 1982..2119; anything else is not a date.
    numbers = numbers.where((numbers > 30000) & (numbers < 80000))
    return EXCEL_EPOCH + pd.to_timedelta(numbers, unit="D")


def _parse_unique_text(texts: pd.Series) -> tuple[pd.Series, DateOrder]:
    sample = texts.dropna()
    if sample.empty:
        return pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns]"), DateOrder("ISO")
    sample_array = pa.array(sample.to_numpy(dtype=object), type=pa.string())
    iso = pc.match_substring_regex(sample_array, ISO.pattern)
    if pc.mean(iso.cast(pa.float64())).as_py() >= 0.5:
        return _iso(texts), DateOrder("ISO")
    named = pc.match_substring_regex(sample_array, NAMED_MONTH.pattern)
    if pc.mean(named.cast(pa.float64())).as_py() >= 0.5:
        # The month is spelled out, so the order is certain: the day comes first.
        return _with_formats(texts, _named_month_formats(sample)), DateOrder("day-first")
    order = _slashed_order(sample_array)
    dayfirst = order.order == "day-first"
    parsed = _with_formats(texts, _slashed_formats(sample, dayfirst))
    return parsed, order


def _iso(texts: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=True)
    left = parsed.isna() & texts.notna()
    if left.any():
        # e.g. Shopify's "2023-05-01 10:22:33 -0400"
        extra = pd.to_datetime(
            texts[left], format="%Y-%m-%d %H:%M:%S %z", errors="coerce", utc=True
        )
        parsed = parsed.where(~left, extra)
    return _as_ns(parsed.dt.tz_localize(None))


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


def _slashed_formats(sample: pd.Series, dayfirst: bool) -> list[str]:
    head = sample.iloc[0]
    match = SLASHED.match(head)
    sep = head[match.end(1)] if match else "/"
    day_month = f"%d{sep}%m" if dayfirst else f"%m{sep}%d"
    return [f"{day_month}{sep}{year}{clock}" for year in ("%Y", "%y") for clock in CLOCKS]


def _named_month_formats(sample: pd.Series) -> list[str]:
    match = next(filter(None, map(NAMED_MONTH.match, sample)), None)
    sep = match.group("sep") if match else "-"
    # %b reads Feb, FEB and feb alike; %Y comes first so 2017 is not read as year 20.
    return [f"%d{sep}%b{sep}{year}{clock}" for year in ("%Y", "%y") for clock in CLOCKS]


def _with_formats(texts: pd.Series, formats: list[str]) -> pd.Series:
    """Try explicit formats in turn, each filling what the previous missed.

    Arrow's strptime (C++, the same rules as C's: unpadded 1/2/2011 8:05 is fine, and
    the whole text must match) is ~10× faster than pandas' here.
    """
    texts_array = pa.array(texts.to_numpy(dtype=object), type=pa.string())
    unit = pa.timestamp("us")  # microseconds reach 1600 and 9999, which nanoseconds cannot
    first, last = pa.scalar(NS_FIRST, type=unit), pa.scalar(NS_LAST, type=unit)
    result = fallback = pa.nulls(len(texts_array), type=unit)
    for fmt in formats:
        attempt = pc.strptime(texts_array, format=fmt, unit="us", error_is_null=True)
        # A date nanoseconds can hold wins: "11-Feb-17" is 2017 by %y, not the year 17 by %Y.
        held = pc.and_(pc.greater_equal(attempt, first), pc.less_equal(attempt, last))
        result = pc.coalesce(result, pc.if_else(held, attempt, pa.scalar(None, type=unit)))
        fallback = pc.coalesce(fallback, attempt)
        if result.null_count == texts_array.null_count:
            break
    result = pc.coalesce(result, fallback)  # out of range, for cleaning to count
    return _as_ns(pd.Series(result.to_numpy(zero_copy_only=False), index=texts.index))
