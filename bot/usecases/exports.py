"""The per-customer CSV of a run (all segments or one), sent to the asking user by DM."""

from __future__ import annotations

from collections.abc import Sequence

import storage
from bot.errors import UserError
from bot.slack.files import send_to_user
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.runs import run_of
from segmentation.report import customers_csv
from segmentation.summary import Segment


def pick_segment(segments: Sequence[Segment], wanted: str) -> Segment:
    """The segment whose id is ``wanted`` or whose name contains it (case-insensitive)."""
    text = wanted.strip().lower()
    for s in segments:
        if text == str(s.id) or text == s.name.lower():
            return s
    matches = [s for s in segments if text in s.name.lower()]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(f"{s.id} ({s.name})" for s in segments)
    raise UserError(f"Which segment is `{wanted}`? Use `all` or one of: {names}.")


def export_run(deps: Deps, place: Place, run_id: str | None, segment: str | None) -> Reply:
    """The spreadsheet-safe CSV of a run (``run_id`` None: the latest), uploaded by DM."""
    with storage.connect(deps.settings.db_path) as db:
        run = run_of(db, place, run_id)
        customers = storage.assignments_for(db, run.id, place.scope)
    segments = run.summary.segments
    picked = None if segment is None else pick_segment(segments, segment)
    names = {s.id: s.name for s in segments}
    ids = None if picked is None else [picked.id]
    data = customers_csv(customers, names, segment_ids=ids).encode("utf-8-sig")
    label = "all segments" if picked is None else picked.name
    name = f"segments-run-{run.id}.csv"
    send_to_user(
        deps.client,
        user_id=place.user_id,
        name=name,
        data=data,
        comment=f"Customers of {label} (run #{run.id}).",
    )
    return Reply(f"I've sent you `{name}` ({label}) in a direct message.")
