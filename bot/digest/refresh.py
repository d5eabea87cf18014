"""The refresh behind a digest: re-segment the channel's latest dataset as of the digest date.

Keeps the previous run's k (and random state) unless the schedule says otherwise, matches the
new segments to the previous run's (names, ids and colours carried), records the run through
``storage.record_run`` and works out what moved. Returns a frozen ``Digest``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlite_utils

import storage
from bot.digest import compare
from bot.digest.compare import Digest
from bot.errors import NO_DATASET, UserError
from segmentation.charts import render_png
from segmentation.charts.digest import migration_chart, sizes_over_time
from segmentation.matching import align_to_previous
from segmentation.movement import Movement, lapsing_ids, movement
from segmentation.pipeline import Provenance, segment_transactions
from segmentation.result import SegmentationResult
from segmentation.summary import RunParams, Segment
from segmentation.wording import stability_sentence
from storage import RunRecord, Scope

HISTORY_RUNS = 12


@dataclass(frozen=True, kw_only=True)
class RefreshRequest:
    """One refresh: whose channel, as of which day, how to pick k, and why it runs.

    ``k_mode`` is "keep" (the previous run's k), "auto" or a number; ``trigger`` is stored
    with the run ("schedule" or "command"); ``skipped`` lists missed slots to mention.
    """

    db_path: Path
    data_dir: Path
    scope: Scope
    as_of: dt.date
    k_mode: str = "keep"
    trigger: str = "schedule"
    requested_by: str | None = None
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Previous:
    """The channel's latest finished run before this refresh (all empty on the first run)."""

    run: RunRecord | None
    segments: tuple[Segment, ...] = ()
    customers: pd.DataFrame | None = None


def k_for(k_mode: str, previous_k: int | None) -> int | None:
    """The k to ask for: "auto" → None, a number → it, "keep" → the previous run's k."""
    if k_mode == "auto":
        return None
    if k_mode.isdigit():
        return int(k_mode)
    return previous_k


def refresh(request: RefreshRequest) -> Digest:
    """Segment the channel's latest dataset as of ``request.as_of``; compare with the previous run.

    Raises UserError when the channel has no dataset. The new run is recorded whether or not
    the digest is posted afterwards; a failed segmentation is recorded as a failed run and
    re-raised.
    """
    scope = request.scope
    with storage.connect(request.db_path) as db:
        dataset = storage.latest_dataset(db, scope)
        transactions = None
        if dataset is not None:
            transactions = storage.load_transactions(
                db, dataset.id, scope, data_dir=request.data_dir
            )
        if dataset is None or transactions is None:
            raise UserError(NO_DATASET)
        previous = _previous(db, scope)
        currency = storage.channel_currency(db, scope) or dataset.currency
    run = previous.run
    params = RunParams(
        k=k_for(request.k_mode, None if run is None else run.k),
        as_of=request.as_of,
        random_state=0 if run is None else run.params.random_state,
    )
    with storage.record_run(
        request.db_path, scope, dataset_id=dataset.id, trigger=request.trigger,
        params=params, requested_by=request.requested_by,
    ) as recording:  # fmt: skip
        started = time.perf_counter()
        result = segment_transactions(
            transactions, rows_read=dataset.rows_read, k=params.k, as_of=params.as_of,
            random_state=params.random_state,
            provenance=Provenance(mapping=dataset.mapping, currency=currency),
        )  # fmt: skip
        matched: dict[int, int] = {}
        if previous.segments:
            result, matched = align_to_previous(
                result, previous.segments, previous_customers=previous.customers
            )
        recording.finish(result, {"segment": time.perf_counter() - started})
    return _digest(request, recording.run_id, dataset.file_name, result, previous, matched)


def _previous(db: sqlite_utils.Database, scope: Scope) -> _Previous:
    run = storage.latest_run(db, scope)
    if run is None:
        return _Previous(None)
    segments = tuple(storage.segments_for(db, run.id, scope))
    return _Previous(run, segments, storage.assignments_for(db, run.id, scope))


def _digest(
    request: RefreshRequest,
    run_id: int,
    dataset_name: str,
    result: SegmentationResult,
    previous: _Previous,
    matched: dict[int, int],
) -> Digest:
    """The comparison of the new run with the previous one, as a ``Digest``."""
    segments = result.summary.segments
    moved: Movement | None = None
    if previous.run is not None and previous.customers is not None:
        moved = movement(
            previous.customers,
            result.customers,
            previous_lapsing=lapsing_ids(previous.segments),
            current_lapsing=lapsing_ids(segments),
        )
    rows = compare.segment_rows(segments, previous.segments, matched)
    with storage.connect(request.db_path) as db:
        history, names = size_history(db, request.scope)
    return Digest(
        scope=request.scope,
        run_id=run_id,
        previous_run_id=None if previous.run is None else previous.run.id,
        dataset_name=dataset_name,
        as_of=request.as_of,
        k=result.summary.k,
        stability=stability_sentence(result.summary),
        rows=rows,
        gone=compare.gone(previous.segments, matched),
        movement=moved,
        flows=() if moved is None else compare.flow_sentences(moved, segments, previous.segments),
        actions=compare.actions(rows, segments, moved),
        skipped=request.skipped,
        charts=_charts(moved, previous.segments, segments, history, names),
    )


def size_history(db: sqlite_utils.Database, scope: Scope) -> tuple[pd.DataFrame, dict[int, str]]:
    """Customers per segment id for the channel's finished runs (oldest first), and names.

    A segment's name is its latest one. Rows are labelled by as-of date (with the run
    id when two runs share a date).
    """
    runs = [r for r in storage.runs_for(db, scope, HISTORY_RUNS) if r.status == "done"]
    runs.reverse()
    sizes: list[dict[int, int]] = []
    names: dict[int, str] = {}
    labels: list[str] = []
    for run in runs:
        segments = storage.segments_for(db, run.id, scope)
        sizes.append({s.id: s.customers for s in segments})
        names.update({s.id: s.name for s in segments})
        labels.append(str(run.as_of or "")[:10])
    labels = [
        f"{label} #{run.id}" if labels.count(label) > 1 else label
        for label, run in zip(labels, runs, strict=True)
    ]
    frame = pd.DataFrame(sizes, index=labels)
    return frame.reindex(columns=sorted(frame.columns)), names


def _charts(
    moved: Movement | None,
    previous: Sequence[Segment],
    segments: Sequence[Segment],
    history: pd.DataFrame,
    names: dict[int, str],
) -> dict[str, bytes]:
    """The thread's PNGs: who moved where (when anything moved) and sizes over time."""
    charts = {}
    if moved is not None and not moved.flows.empty:
        then = {p.id: p.name for p in previous}
        now = {s.id: s.name for s in segments}
        charts["segment-migration.png"] = render_png(migration_chart(moved.flows, then, now))
    if not history.empty:
        charts["segment-sizes-over-time.png"] = render_png(sizes_over_time(history, names))
    return charts
