"""The refresh behind a digest: segment the channel's data and compare it with what the last
digest reported.

``channel_data`` is the one place that says what data a refresh segments. Recency is measured
to the newest transaction (the pipeline's default as-of) unless the channel is ``live`` (bound
to a source that is read at every refresh), where it is measured to the digest's date. The
previous run's k (and random state) is kept unless the schedule says otherwise, and then said
to be kept. Movement, new customers and revenue at risk are worked out only against a run on
different data (``RunRecord.fingerprint``): the same data gives a ``nothing_new`` digest. An
upload-only channel whose latest run already segmented this dataset with these parameters is
not re-clustered at all: that run stands. Returns a frozen ``Digest``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import sqlite_utils

import storage
from segmentation.matching import align_to_previous
from segmentation.result import SegmentationResult
from segmentation.summary import RunParams
from sources import Catalog, Source
from storage import Dataset, RunRecord, Scope
from workflows.bindings import segment_source, source_row
from workflows.campaign_report import open_campaign_lines
from workflows.digest.assemble import Compared, Occasion, changed, nothing_new
from workflows.digest.compare import Digest
from workflows.digest.history import size_history
from workflows.errors import NO_DATASET, UserError
from workflows.runs import Where, segment_and_record
from workflows.segmenting import segment_dataset


@dataclass(frozen=True, kw_only=True)
class RefreshRequest:
    """One refresh: whose channel, on which day, how to pick k, and why it runs.

    ``as_of`` is the digest's date; the run measures recency to it only when ``live`` (the
    channel reads a connected source), else to the newest transaction. ``k_mode`` is "keep"
    (the previous run's k), "auto" or a number; ``trigger`` is stored with the run
    ("schedule" or "command"); ``skipped`` lists missed slots to mention.
    """

    db_path: Path
    data_dir: Path
    scope: Scope
    as_of: dt.date
    live: bool = False
    k_mode: str = "keep"
    trigger: str = "schedule"
    requested_by: str | None = None
    skipped: tuple[str, ...] = ()
    source: Source | None = None  # what a live channel reads (``DigestScheduler.live`` sets it)


@dataclass(frozen=True, kw_only=True)
class ChannelData:
    """What a refresh segments: the ``dataset`` the run is recorded against, its
    ``transactions`` and the ``currency`` to report money in."""

    dataset: Dataset
    transactions: pa.Table | None  # None: the lines stay in ``source``, read by the run
    currency: str | None
    source: Source | None = None


def channel_data(db: sqlite_utils.Database, request: RefreshRequest) -> ChannelData:
    """The data a refresh of the request's channel segments: the source it reads (live: the
    run queries it, recorded on the source's dataset row), else its latest uploaded dataset.

    Raises UserError (``NO_DATASET``) when the channel has none.
    """
    scope = request.scope
    source = request.source
    if source is not None:  # live: the run queries the source, recorded on its dataset row
        dataset = source_row(db, scope, source, request.requested_by)
        currency = storage.channel_currency(db, scope)
        return ChannelData(dataset=dataset, transactions=None, currency=currency, source=source)
    dataset = storage.latest_upload(db, scope)
    transactions = None
    if dataset is not None:
        transactions = storage.transactions_table(db, dataset.id, scope, data_dir=request.data_dir)
    if dataset is None or transactions is None:
        raise UserError(NO_DATASET)
    currency = storage.channel_currency(db, scope) or dataset.currency
    return ChannelData(dataset=dataset, transactions=transactions, currency=currency)


def segment_data(data: ChannelData, params: RunParams) -> SegmentationResult:
    """Segment what ``channel_data`` returned with these parameters."""
    if data.source is not None:
        return segment_source(data.source, params, currency=data.currency)
    return segment_dataset(data.dataset, data.transactions, params, currency=data.currency)


def k_for(k_mode: str, previous_k: int | None) -> int | None:
    """The k to ask for: "auto" → None, a number → it, "keep" → the previous run's k."""
    if k_mode == "auto":
        return None
    if k_mode.isdigit():
        return int(k_mode)
    return previous_k


def run_params(request: RefreshRequest, latest: RunRecord | None) -> RunParams:
    """k by the request's mode, as-of by whether the channel is live, the latest random state."""
    return RunParams(
        k=k_for(request.k_mode, None if latest is None else latest.k),
        as_of=request.as_of if request.live else None,
        random_state=0 if latest is None else latest.params.random_state,
    )


def refresh(request: RefreshRequest) -> Digest:
    """``refresh_segments``, with a line for each campaign not yet read out to its end."""
    digest = refresh_segments(request)
    where = Where(
        scope=request.scope, user_id=None, db_path=request.db_path, data_dir=request.data_dir
    )
    catalog = Catalog(() if request.source is None else (request.source,))
    return replace(digest, campaigns=open_campaign_lines(where, catalog=catalog))


def refresh_segments(request: RefreshRequest) -> Digest:
    """Segment the channel's data (or let its standing run stand) and compare it with the run
    the last digest reported (the latest run when no digest was posted yet).

    Raises UserError when the channel has no dataset. A new run is recorded whether or not the
    digest is posted afterwards; a failed segmentation is recorded as a failed run and
    re-raised. The poster marks the digest's run as reported once it is in the channel.
    """
    scope = request.scope
    with storage.connect(request.db_path) as db:
        data = channel_data(db, request)
        latest = storage.latest_run(db, scope)
        reported = storage.digested_run(db, scope) or latest
        replaced = None
        if reported is not None and reported.line != data.dataset.line:  # *Replace* since
            replaced, reported = reported.file_name, None
        baseline = None if reported is None else _compared(db, reported, scope)
    params = run_params(request, latest)
    if latest is not None and _stands(request, data.dataset, latest, params, reported):
        with storage.connect(request.db_path) as db:
            segments = storage.segments_for(db, latest.id, scope)
        summary = replace(latest.summary, segments=segments)  # as named now
        return nothing_new(
            _occasion(request), latest.id, data.dataset.file_name, summary, reported.id
        )
    kept = latest.id if request.k_mode == "keep" and params.k is not None and latest else None
    run_id, result, matched = _record(request, data, params, baseline, kept)
    with storage.connect(request.db_path) as db:
        fingerprint = storage.run_for(db, run_id, scope).fingerprint
        if data.source is not None:  # the source's row counts its latest read
            storage.update_source_dataset(db, data.dataset.id, scope, result.summary)
    name, occasion = data.dataset.file_name, _occasion(request)
    if baseline is not None and baseline.run.fingerprint == fingerprint:
        return nothing_new(occasion, run_id, name, result.summary, baseline.run.id)
    return changed(occasion, run_id, name, result, baseline, matched, replaced)


def _occasion(request: RefreshRequest) -> Occasion:
    with storage.connect(request.db_path) as db:
        history = size_history(db, request.scope)
    return Occasion(
        scope=request.scope, date=request.as_of, live=request.live, skipped=request.skipped,
        history=history,
    )  # fmt: skip


def _compared(db: sqlite_utils.Database, run: RunRecord, scope: Scope) -> Compared:
    segments = tuple(storage.segments_for(db, run.id, scope))
    return Compared(run, segments, storage.assignments_for(db, run.id, scope))


def _stands(
    request: RefreshRequest,
    dataset: Dataset,
    latest: RunRecord,
    params: RunParams,
    reported: RunRecord | None,
) -> bool:
    """Whether the latest run already is what this refresh would make, on data the last digest
    reported: an upload-only channel, the same stored dataset (datasets are never changed in
    place; its counts are checked all the same), as-of by the data, the same k and random state."""
    summary = latest.summary
    if request.live or summary is None or latest.fingerprint is None or reported is None:
        return False
    same_data = latest.dataset_id == dataset.id and (summary.rows_read, summary.rows_kept) == (
        dataset.rows_read,
        dataset.rows_kept,
    )
    same_k = params.k == latest.k or (params.k is None and not summary.k_forced)
    same_params = latest.params.as_of is None and params.as_of is None and same_k
    same_params = same_params and params.random_state == latest.params.random_state
    return same_data and same_params and reported.fingerprint == latest.fingerprint


def _record(
    request: RefreshRequest,
    data: ChannelData,
    params: RunParams,
    baseline: Compared | None,
    kept_from: int | None,
) -> tuple[int, SegmentationResult, dict[int, int]]:
    """Segment, follow the baseline's names and ids, and record the run; returns its id, the
    result and ``{new segment id: baseline segment id}``."""
    matched: dict[int, int] = {}

    def segment() -> SegmentationResult:
        result = segment_data(data, params)
        if kept_from is not None:
            result = replace(result, summary=result.summary.keeping_k_of(kept_from))
        if baseline is not None and baseline.segments:
            result, found = align_to_previous(
                result, baseline.segments, previous_customers=baseline.customers
            )
            matched.update(found)
        return result

    where = Where(
        scope=request.scope, user_id=request.requested_by, db_path=request.db_path,
        data_dir=request.data_dir,
    )  # fmt: skip
    recorded = segment_and_record(
        where, dataset_id=data.dataset.id, trigger=request.trigger, params=params,
        segment=segment, draw=False,
    )  # fmt: skip
    return recorded.outcome.run_id, recorded.result, matched
