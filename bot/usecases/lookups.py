"""Read-side answers: ``/segment show|customer|history|datasets``, from the database.

A channel only ever reads its own rows (every storage call is scoped to the asking channel).
"""

from __future__ import annotations

import storage
from bot.errors import UserError, quote
from bot.render.lookups import customer_text, datasets_text, history_text
from bot.render.results import results_blocks, results_text
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.runs import latest_done_run
from segmentation.load.normalise import customer_key

HISTORY_LIMIT = 10


def show(deps: Deps, place: Place) -> Reply:
    """The latest results again, as posted."""
    with storage.connect(deps.settings.db_path) as db:
        run = latest_done_run(db, place)
    title = f"Segments of {run.file_name}"
    return Reply(
        results_text(run.summary, title=title),
        results_blocks(
            run.summary,
            run_id=run.id,
            title=title,
            email_tool=deps.settings.email_tool_export,
        ),
    )


def customer(deps: Deps, place: Place, customer_id: str) -> Reply:
    """Which segment a customer is in, next to the segment's medians. The id is matched as
    typed (spaces around it ignored), else ignoring case when that finds one customer."""
    key = customer_key(customer_id)
    with storage.connect(deps.settings.db_path) as db:
        run = latest_done_run(db, place)
        row = storage.assignment_for(db, run.id, key, place.scope)
        alike = [] if row else storage.assignments_ignoring_case(db, run.id, key, place.scope)
    if row is None and len(alike) > 1:
        ids = ", ".join(f"`{quote(r.customer_id)}`" for r in alike)
        raise UserError(
            f"`{quote(key)}` matches {ids} but for upper and lower case, and this export keeps "
            "them as different customers: write the id exactly."
        )
    row = row or (alike[0] if alike else None)
    if row is None:
        raise UserError(
            f"Customer `{quote(key)}` is not in the latest results (customers without an id, "
            "or with only refunds or cancelled orders, are left out)."
        )
    segment = run.summary.segment(row.segment)
    return Reply(customer_text(row.customer_id, segment, row, run.summary.currency))


def history(deps: Deps, place: Place) -> Reply:
    """The channel's recent runs with their segment sizes."""
    with storage.connect(deps.settings.db_path) as db:
        runs = [
            (run, [s.customers for s in storage.segments_for(db, run.id, place.scope)])
            for run in storage.runs_for(db, place.scope, limit=HISTORY_LIMIT)
        ]
    return Reply(history_text(runs))


def datasets(deps: Deps, place: Place) -> Reply:
    """The exports this channel has shared."""
    with storage.connect(deps.settings.db_path) as db:
        return Reply(datasets_text(storage.datasets_for(db, place.scope)))
