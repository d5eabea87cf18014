"""Read-side answers to ``/segment show|customer|history|datasets``, from the database.

Each function takes an open ``db`` and the asking channel, and returns a ``Reply``; a channel
only ever reads its own rows (every storage call is scoped by team and channel).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import storage
from bot import render
from bot.errors import UserError


@dataclass(frozen=True)
class Reply:
    """What to send back: a text (always, the fallback) and optional blocks."""

    text: str
    blocks: list[dict] | None = None
    in_channel: bool = False


def decoded(value: Any) -> Any:
    """A JSON column's value, whether storage already decoded it or not."""
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def latest_done_run(db: Any, team_id: str, channel_id: str) -> dict:
    """The channel's latest finished run; UserError saying what to do when there is none."""
    run = storage.latest_run(db, team_id, channel_id)
    if run is None:
        if storage.latest_dataset(db, team_id, channel_id) is None:
            raise UserError(render.NO_DATASET)
        raise UserError("No finished segmentation yet in this channel: try `/segment run`.")
    return run


def show(db: Any, team_id: str, channel_id: str) -> Reply:
    run = latest_done_run(db, team_id, channel_id)
    summary = decoded(run["summary"])
    title = f"Segments of {dataset_name(db, team_id, channel_id, run['dataset_id'])}"
    return Reply(
        render.results_text(summary, title=title),
        render.results_blocks(summary, run_id=run["id"], title=title),
    )


def dataset_name(db: Any, team_id: str, channel_id: str, dataset_id: int) -> str:
    for d in storage.datasets_for(db, team_id, channel_id):
        if d["id"] == dataset_id:
            return d["file_name"]
    return f"dataset {dataset_id}"


def customer(db: Any, team_id: str, channel_id: str, customer_id: str) -> Reply:
    run = latest_done_run(db, team_id, channel_id)
    row = storage.assignment_for(db, run["id"], customer_id, team_id=team_id, channel_id=channel_id)
    if row is None:
        raise UserError(
            f"Customer `{customer_id}` is not in the latest results (customers without an id, "
            "or with only refunds or cancelled orders, are left out)."
        )
    segment = next(s for s in decoded(run["summary"])["segments"] if s["id"] == row["segment"])
    return Reply(render.customer_text(customer_id, segment, row))


def history(db: Any, team_id: str, channel_id: str) -> Reply:
    names = {d["id"]: d["file_name"] for d in storage.datasets_for(db, team_id, channel_id)}
    runs = []
    for run in storage.runs_for(db, team_id, channel_id)[:10]:
        segments = storage.segments_for(db, run["id"], team_id=team_id, channel_id=channel_id)
        runs.append(
            {
                "id": run["id"],
                "when": _when(run.get("finished_at") or run.get("created_at")),
                "dataset": run.get("file_name") or names.get(run["dataset_id"], "?"),
                "k": run.get("k"),
                "status": run.get("status", "done"),
                "sizes": [s["customers"] for s in segments],
            }
        )
    return Reply(render.history_text(runs))


def datasets(db: Any, team_id: str, channel_id: str) -> Reply:
    rows = [
        {
            "name": d["file_name"],
            "rows": d.get("rows_read") or 0,
            "when": _when(d.get("created_at")),
        }
        for d in storage.datasets_for(db, team_id, channel_id)
    ]
    return Reply(render.datasets_text(rows))


def _when(iso: str | None) -> str:
    """``2024-05-01T09:30:00+00:00`` → ``2024-05-01 09:30 UTC``."""
    if not iso:
        return "?"
    return iso[:16].replace("T", " ") + " UTC"
