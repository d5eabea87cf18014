"""Cleaning: which transaction lines count as purchases, and why others were dropped."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Drop reasons in the order they are checked; each dropped line is counted once, under the first.
DROP_REASONS = (
    "missing customer",
    "unreadable date",
    "date out of range",
    "not a number",
    "number too large",
    "quantity not positive",
    "price not positive",
    "amount not positive",
)
# Purchase dates outside these are typing errors or placeholders (1600-01-01, 9999-12-31);
# the reader saturates dates pandas cannot hold at its ends, so they land outside too.
EARLIEST, LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-01-01")
# Quantities, prices and amounts beyond this (or infinite) are not sales: 1e308 or "inf" in one
# line would make every total infinite. A quadrillion leaves room for any currency.
LARGEST = 1e15


@dataclass(frozen=True)
class CleaningAudit:
    """What cleaning kept and dropped, for the summary a marketer reads."""

    rows_read: int
    rows_kept: int
    customers: int
    total_spend: float
    dropped: dict[str, int] = field(default_factory=dict)
    cancellations: int = 0
    cancelled_lines: int = 0
    duplicate_lines: int = 0
    first_purchase: pd.Timestamp | None = None
    last_purchase: pd.Timestamp | None = None


def cancellation_mask(transactions: pd.DataFrame) -> np.ndarray:
    """True for lines that are cancellations or returns, not purchases.

    A line is one when its invoice is UCI-style "C" followed by digits only (C536379,
    any case), or when it belongs to a customer and its quantity or amount is negative.
    Order ids that merely start with C ("CA-2019-152156", a Canadian superstore order)
    are purchases. Negative lines without a customer are left out: in the UCI data
    they are stock write-offs and bad-debt adjustments (1,338 lines, all but two worth
    nothing), which nobody returned.
    """
    invoice = transactions["invoice"]
    if not isinstance(invoice.dtype, pd.CategoricalDtype):
        invoice = invoice.astype("category")  # hand-made frames; the loader gives categories
    # The pattern is matched once per distinct invoice, not once per line.
    categories = invoice.cat.categories.astype(str)
    cancelled = np.append(np.asarray(categories.str.fullmatch(r"[Cc]\d+"), dtype=bool), False)
    mask = cancelled[invoice.cat.codes.to_numpy()]  # code -1 (no invoice) picks the False
    negative = (transactions["quantity"] < 0).to_numpy() | (transactions["amount"] < 0).to_numpy()
    return mask | (negative & transactions["customer_id"].notna().to_numpy())


def clean_transactions(
    transactions: pd.DataFrame, *, rows_read: int | None = None
) -> tuple[pd.DataFrame, CleaningAudit]:
    """Keep purchase lines: a customer, a readable date, positive quantity, price and amount.

    Takes the normalised table (see ``segmentation.load.normalise``) and returns the kept
    lines (same columns) plus an audit. ``rows_read`` includes lines the reader
    skipped as malformed; they are reported as dropped.
    """
    n = len(transactions)
    rows_read = n if rows_read is None else rows_read
    timestamp = transactions["timestamp"]
    reasons = {
        "missing customer": transactions["customer_id"].isna().to_numpy(),
        "unreadable date": timestamp.isna().to_numpy(),
        "date out of range": ((timestamp < EARLIEST) | (timestamp >= LATEST)).to_numpy(),
        "not a number": transactions["amount"].isna().to_numpy(),
        "number too large": _too_large(transactions),
        "quantity not positive": (transactions["quantity"] <= 0).to_numpy(),
        "price not positive": (transactions["price"] <= 0).to_numpy(),
        "amount not positive": (transactions["amount"] <= 0).to_numpy(),
    }
    dropped: dict[str, int] = {}
    keep = np.ones(n, dtype=bool)
    for reason in DROP_REASONS:
        hit = keep & reasons[reason]
        if hit.any():
            dropped[reason] = int(hit.sum())
            keep &= ~hit
    if rows_read > n:
        dropped["malformed line"] = rows_read - n
    cancelled = cancellation_mask(transactions)
    kept = transactions[keep]
    audit = CleaningAudit(
        rows_read=rows_read,
        rows_kept=int(keep.sum()),
        customers=int(kept["customer_id"].nunique()),
        total_spend=float(kept["amount"].sum()),
        dropped=dropped,
        cancellations=int(transactions["invoice"][cancelled].nunique()),
        cancelled_lines=int(cancelled.sum()),
        duplicate_lines=int(_duplicate_lines(transactions)),
        first_purchase=kept["timestamp"].min() if len(kept) else None,
        last_purchase=kept["timestamp"].max() if len(kept) else None,
    )
    return kept.reset_index(drop=True), audit


def _too_large(transactions: pd.DataFrame) -> np.ndarray:
    """Lines whose quantity, price or amount is infinite or beyond ``LARGEST``."""
    columns = transactions[["quantity", "price", "amount"]].to_numpy(dtype="float64")
    return (np.abs(columns) > LARGEST).any(axis=1)


def _duplicate_lines(transactions: pd.DataFrame) -> int:
    """Exact repeats of an earlier line (reported, kept: they may be genuine repeat scans)."""
    # Repeats share invoice and product, so only lines whose (invoice, product) pair occurs
    # more than once need the full comparison: a few thousand of half a million lines.
    invoice = transactions["invoice"].cat.codes.to_numpy().astype(np.int64) + 1
    product = transactions["product"].cat.codes.to_numpy().astype(np.int64) + 1
    pair = invoice * (len(transactions["product"].cat.categories) + 1) + product
    candidates = transactions[pd.Series(pair).duplicated(keep=False).to_numpy()]
    # One 64-bit hash per line, then a hash-table pass: ~10× faster than DataFrame.duplicated.
    hashes = np.zeros(len(candidates), dtype=np.uint64)
    for column in candidates.columns:
        values = candidates[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.cat.codes
        hashes = hashes * np.uint64(1_000_003) ^ pd.util.hash_array(values.to_numpy())
    return int(pd.Series(hashes).duplicated().sum())
