"""A refresh's outcome as a ``Digest``: the standing segments when nothing is new, else what
changed in the data and who moved, against the run the last digest reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

import storage
from segmentation.facts import PREDICTED, has_predictions
from segmentation.movement import lapsing_ids, movement, movers
from segmentation.result import SegmentationResult
from segmentation.summary import RunSummary, Segment
from segmentation.wording import k_phrase, stability_sentence
from storage import RunRecord, Scope
from workflows.digest import compare
from workflows.digest.compare import Digest
from workflows.digest.history import charts

History = tuple[pd.DataFrame, dict[int, str]]  # ``history.size_history``'s sizes and names


@dataclass(frozen=True)
class Compared:
    """A finished run the digest compares with: its record, segments and customers."""

    run: RunRecord
    segments: tuple[Segment, ...]
    customers: pd.DataFrame


@dataclass(frozen=True, kw_only=True)
class Occasion:
    """Which digest: the channel, the digest's date, whether the channel reads a live source,
    the slots it missed, and the size history to chart."""

    scope: Scope
    date: dt.date
    live: bool
    skipped: tuple[str, ...]
    history: History


def nothing_new(
    occasion: Occasion, run_id: int, dataset_name: str, summary: RunSummary, reported_id: int | None
) -> Digest:
    """The digest of data the last digest already reported: the standing segments only."""
    sizes, names = occasion.history
    return Digest(
        **_fields(occasion, run_id, dataset_name, summary),
        previous_run_id=reported_id,
        rows=compare.segment_rows(summary.segments, (), {}),
        nothing_new=True,
        charts=charts(None, (), summary.segments, sizes, names),
    )


def changed(
    occasion: Occasion,
    run_id: int,
    dataset_name: str,
    result: SegmentationResult,
    baseline: Compared | None,
    matched: dict[int, int],
    replaced: str | None = None,
) -> Digest:
    """The digest of new data: what changed in it, and who moved, against the baseline run
    (none when the data were ``replaced`` since the last digest: its file name)."""
    sizes, names = occasion.history
    segments = result.summary.segments
    previous = () if baseline is None else baseline.segments
    moved = change = None
    with_new_data = 0
    if baseline is not None:
        moved = movement(
            checked_predictions(baseline), result.customers,
            previous_lapsing=lapsing_ids(previous), current_lapsing=lapsing_ids(segments),
        )  # fmt: skip
        change = compare.data_change(
            storage.customer_data(baseline.customers, baseline.run.as_of or ""),
            storage.customer_data(result.customers, result.summary.as_of),
            day(None if baseline.run.summary is None else baseline.run.summary.last_purchase),
        )
        moved_ids = movers(baseline.customers, result.customers).index
        with_new_data = len(moved_ids.intersection(pd.Index(change.changed)))
    rows = compare.segment_rows(segments, previous, matched)
    return Digest(
        **_fields(occasion, run_id, dataset_name, result.summary),
        previous_run_id=None if baseline is None else baseline.run.id,
        rows=rows,
        data_change=change,
        moved_with_new_data=with_new_data,
        gone=compare.gone(previous, matched),
        movement=moved,
        flows=() if moved is None else compare.flow_sentences(moved, segments, previous),
        actions=compare.actions(rows, segments, moved),
        charts=charts(moved, previous, segments, sizes, names),
        replaced=replaced,
    )


def checked_predictions(baseline: Compared) -> pd.DataFrame:
    """The baseline's customers, without predictions its run never checked on the export's own
    history (runs stored before predictions were checked): "newly gone" and revenue at risk
    are then counted from this run's checked predictions alone."""
    summary, customers = baseline.run.summary, baseline.customers
    if summary is None or summary.prediction_check is not None or not has_predictions(customers):
        return customers
    return customers.assign(**{column: np.nan for column in PREDICTED})


def _fields(occasion: Occasion, run_id: int, dataset_name: str, summary: RunSummary) -> dict:
    """What every digest says about its run: dates, k and stability."""
    return {
        "scope": occasion.scope,
        "run_id": run_id,
        "dataset_name": dataset_name,
        "date": occasion.date,
        "as_of": summary.as_of,
        "newest": day(summary.last_purchase),
        "live": occasion.live,
        "k": summary.k,
        "k_phrase": k_phrase(summary),
        "stability": stability_sentence(summary),
        "skipped": occasion.skipped,
    }


def day(iso: str | None) -> dt.date | None:
    """The date of an ISO timestamp text (None stays None)."""
    return None if not iso else dt.date.fromisoformat(iso[:10])
