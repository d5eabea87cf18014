"""The per-customer CSV a user exports: segment name and features, safe to open in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from bot.errors import UserError

COLUMNS = (
    "customer_id",
    "segment",
    "segment_name",
    "recency_days",
    "frequency",
    "average_spend",
    "total_spend",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def pick_segment(segments: list[dict], wanted: str) -> dict:
    """The segment whose id is ``wanted`` or whose name contains it (case-insensitive)."""
    text = wanted.strip().lower()
    for s in segments:
        if text == str(s["id"]) or text == s["name"].lower():
            return s
    matches = [s for s in segments if text in s["name"].lower()]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(f"{s['id']} ({s['name']})" for s in segments)
    raise UserError(f"Which segment is `{wanted}`? Use `all` or one of: {names}.")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(
    rows: Iterable[dict], segments: list[dict], segment_ids: list[int] | None = None
) -> str:
    """CSV of customers (one row each) in ``segment_ids`` (all when None)."""
    names = {s["id"]: s["name"] for s in segments}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        if segment_ids is not None and row["segment"] not in segment_ids:
            continue
        record = {**row, "segment_name": names.get(row["segment"], "")}
        writer.writerow([safe_cell(record.get(c)) for c in COLUMNS])
    return out.getvalue()
