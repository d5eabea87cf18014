"""Posting a stored run again: its summary from SQLite and its charts drawn anew (in a worker).

Used when the bot stopped after a worker had stored a run but before the run was posted.
"""

from __future__ import annotations

from pathlib import Path

import storage
from bot.errors import UserError
from bot.jobs.tasks import Outcome
from segmentation.charts import chart_pngs
from segmentation.result import SegmentationResult
from storage import Scope


def stored_outcome(db_path: Path, scope: Scope, run_id: int) -> Outcome:
    """The finished run ``run_id`` of ``scope`` as an ``Outcome`` (charts drawn from its rows)."""
    with storage.connect(db_path) as db:
        run = storage.run_for(db, run_id, scope)
        if run is None or run.summary is None:
            raise UserError("Those results are not available in this channel any more.")
        customers = storage.assignments_for(db, run_id, scope)
    result = SegmentationResult(summary=run.summary, customers=customers)
    return Outcome(
        run_id=run_id, dataset_id=run.dataset_id, summary=run.summary, charts=chart_pngs(result)
    )
