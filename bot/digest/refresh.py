"""The refresh behind a digest: re-segment the channel's latest dataset as of the digest date.

Keeps the previous run's k unless the schedule says otherwise, matches the new segments to
the previous run's (names, ids and colours carried), stores the run, and works out what
moved. Returns a ``Digest``: plain data the renderer and the poster use.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import storage
from bot import render
from bot.digest import summary
from bot.errors import UserError
from segmentation.charts import render_png
from segmentation.digest_charts import migration_chart, sizes_over_time
from segmentation.matching import align_to_previous
from segmentation.movement import Movement, lapsing_ids, movement
from segmentation.pipeline import segment_transactions

HISTORY_RUNS = 12


@dataclass(frozen=True)
class Digest:
    """Everything one digest shows, for the channel it belongs to."""

    team_id: str
    channel_id: str
    run_id: int
    previous_run_id: int | None
    dataset_name: str
    as_of: str
    k: int
    rows: list[dict]
    gone: list[str]
    movement: dict | None
    flows: list[str]
    actions: list[str]
    skipped: list[str] = field(default_factory=list)
    charts: dict[str, bytes] = field(default_factory=dict, repr=False)


def k_for(k_mode: str, previous_run: dict | None) -> int | None:
    """The k to ask for: "auto" → None, a number → it, "keep" → the previous run's k."""
    if k_mode == "auto":
        return None
    if k_mode.isdigit():
        return int(k_mode)
    return None if previous_run is None else previous_run.get("k")


def refresh(
    db_path: Path,
    data_dir: Path,
    *,
    team_id: str,
    channel_id: str,
    as_of: dt.date,
    k_mode: str = "keep",
    trigger: str = "schedule",
    requested_by: str | None = None,
    skipped: list[str] | None = None,
) -> Digest:
    """Segment the channel's latest dataset as of ``as_of`` and compare with the previous run.

    Raises UserError when the channel has no dataset. The new run is stored (trigger
    ``trigger``) whether or not the digest is posted afterwards; a failed segmentation
    is stored as a failed run and re-raised.
    """
    scope = {"team_id": team_id, "channel_id": channel_id}
    with storage.connect(db_path) as db:
        dataset = storage.latest_dataset(db, team_id, channel_id)
        if dataset is None:
            raise UserError(render.NO_DATASET)
        transactions = storage.load_transactions(db, dataset["id"], data_dir=data_dir, **scope)
        prev_run = storage.latest_run(db, team_id, channel_id)
        previous = storage.segments_for(db, prev_run["id"], **scope) if prev_run else []
        prev_customers = (
            storage.assignments_for(db, prev_run["id"], **scope) if prev_run else pd.DataFrame()
        )
        k = k_for(k_mode, prev_run)
        params = {"k": k, "as_of": as_of.isoformat(), "random_state": 0}
        run_id = storage.start_run(
            db, dataset_id=dataset["id"], trigger=trigger, params=params,
            requested_by=requested_by, **scope,
        )  # fmt: skip
    started = time.perf_counter()
    try:
        result = segment_transactions(
            transactions, rows_read=dataset.get("rows_read"), k=k, as_of=as_of
        )
        matched: dict[int, int] = {}
        if previous:
            result, matched = align_to_previous(result, previous, previous_customers=prev_customers)
        result.mapping = dict(dataset.get("mapping") or {})
        result_summary = result.to_dict()
        with storage.connect(db_path) as db:
            storage.finish_run(
                db, run_id, summary=result_summary, customers=result.customers,
                timings={"segment": time.perf_counter() - started},
            )  # fmt: skip
    except BaseException as e:
        with storage.connect(db_path) as db:
            storage.fail_run(db, run_id, str(e) or type(e).__name__)
        raise
    segments = result_summary["segments"]
    moved: Movement | None = None
    if prev_run is not None:
        moved = movement(
            prev_customers,
            result.customers,
            previous_lapsing=lapsing_ids(previous),
            current_lapsing=lapsing_ids(segments),
        )
    rows = summary.segment_rows(segments, previous, matched)
    with storage.connect(db_path) as db:
        history, names = size_history(db, team_id, channel_id)
    return Digest(
        team_id=team_id,
        channel_id=channel_id,
        run_id=run_id,
        previous_run_id=None if prev_run is None else prev_run["id"],
        dataset_name=dataset["file_name"],
        as_of=as_of.isoformat(),
        k=result.k,
        rows=rows,
        gone=summary.gone(previous, matched),
        movement=None if moved is None else moved.to_dict(),
        flows=[] if moved is None else summary.flow_sentences(moved, segments, previous),
        actions=summary.actions(rows, segments, moved),
        skipped=list(skipped or []),
        charts=_charts(moved, previous, segments, history, names),
    )


def size_history(db: object, team_id: str, channel_id: str) -> tuple[pd.DataFrame, dict[int, str]]:
    """Customers per segment id for the channel's finished runs (oldest first), and names.

    A segment's name is its latest one. Rows are labelled by as-of date (with the run
    id when two runs share a date).
    """
    runs = [
        r for r in storage.runs_for(db, team_id, channel_id, HISTORY_RUNS) if r["status"] == "done"
    ]
    runs.reverse()
    sizes, names, labels = [], {}, []
    for run in runs:
        segments = storage.segments_for(db, run["id"], team_id=team_id, channel_id=channel_id)
        sizes.append({int(s["id"]): s["customers"] for s in segments})
        names.update({int(s["id"]): s["name"] for s in segments})
        labels.append(str(run.get("as_of") or "")[:10])
    labels = [
        f"{label} #{run['id']}" if labels.count(label) > 1 else label
        for label, run in zip(labels, runs, strict=True)
    ]
    frame = pd.DataFrame(sizes, index=labels)
    return frame.reindex(columns=sorted(frame.columns)), names


def _charts(
    moved: Movement | None,
    previous: list[dict],
    segments: list[dict],
    history: pd.DataFrame,
    names: dict[int, str],
) -> dict[str, bytes]:
    charts = {}
    if moved is not None and not moved.flows.empty:
        then = {int(p["id"]): p["name"] for p in previous}
        now = {int(s["id"]): s["name"] for s in segments}
        charts["segment-migration.png"] = render_png(migration_chart(moved.flows, then, now))
    if not history.empty:
        charts["segment-sizes-over-time.png"] = render_png(sizes_over_time(history, names))
    return charts
