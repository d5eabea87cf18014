"""The per-customer CSV a user exports: segment name and features, safe to open in Excel."""

from __future__ import annotations

import pandas as pd

from bot.errors import UserError
from segmentation.report import customers_csv


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


def export_csv(
    customers: pd.DataFrame, segments: list[dict], segment_ids: list[int] | None = None
) -> str:
    """CSV of a stored run's customers in ``segment_ids`` (all when None), spreadsheet-safe."""
    return customers_csv(customers, {s["id"]: s["name"] for s in segments}, segment_ids=segment_ids)
