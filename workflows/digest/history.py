"""A digest's charts: who moved where, and segment sizes across the channel's runs.

The size history has one point per change of data: runs are labelled by the day of their
data's newest transaction (not by the day recency was measured to), and a run on the same
data as the run before it (same ``RunRecord.fingerprint``) replaces that point instead of
adding one, so re-running old data adds no time that did not pass in the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlite_utils

import storage
from segmentation.charts import render_png
from segmentation.charts.digest import migration_chart, sizes_over_time
from segmentation.movement import Movement
from segmentation.summary import Segment
from storage import RunRecord, Scope

HISTORY_RUNS = 12
MIGRATION_CHART = "segment-migration.png"
SIZES_CHART = "segment-sizes-over-time.png"


def size_history(db: sqlite_utils.Database, scope: Scope) -> tuple[pd.DataFrame, dict[int, str]]:
    """Customers per segment id, one row per data (oldest first), and each id's latest name,
    over the latest run's line of history only (data replaced since are another story).

    Rows are labelled by the newest transaction's day (with the run id when two share it).
    """
    done = [r for r in storage.runs_for(db, scope, HISTORY_RUNS) if r.status == "done"]
    runs = _one_per_data([r for r in done if r.line == done[0].line] if done else [])
    sizes: list[dict[int, int]] = []
    names: dict[int, str] = {}
    labels: list[str] = []
    for run in runs:
        segments = storage.segments_for(db, run.id, scope)
        sizes.append({s.id: s.customers for s in segments})
        names.update({s.id: s.name for s in segments})
        labels.append(_newest_day(db, run, scope))
    labels = [
        f"{label} #{run.id}" if labels.count(label) > 1 else label
        for label, run in zip(labels, runs, strict=True)
    ]
    frame = pd.DataFrame(sizes, index=labels)
    return frame.reindex(columns=sorted(frame.columns)), names


def _one_per_data(newest_first: list[RunRecord]) -> list[RunRecord]:
    """Oldest first, keeping of consecutive runs on the same data only the latest."""
    kept: list[RunRecord] = []
    for run in reversed(newest_first):
        same = kept and run.fingerprint is not None and kept[-1].fingerprint == run.fingerprint
        if same:
            kept[-1] = run
        else:
            kept.append(run)
    return kept


def _newest_day(db: sqlite_utils.Database, run: RunRecord, scope: Scope) -> str:
    """The day of the run's newest transaction (its as-of for runs without one)."""
    full = storage.run_for(db, run.id, scope)
    newest = None if full is None or full.summary is None else full.summary.last_purchase
    return str(newest or run.as_of or "")[:10]


def charts(
    moved: Movement | None,
    previous: Sequence[Segment],
    segments: Sequence[Segment],
    history: pd.DataFrame,
    names: dict[int, str],
) -> dict[str, bytes]:
    """The thread's PNGs: who moved where (when anyone moved) and sizes over time (when
    there are at least two data to compare)."""
    found = {}
    if moved is not None and moved.moved:
        then = {p.id: p.name for p in previous}
        now = {s.id: s.name for s in segments}
        found[MIGRATION_CHART] = render_png(migration_chart(moved.flows, then, now))
    if len(history) > 1:
        found[SIZES_CHART] = render_png(sizes_over_time(history, names))
    return found
