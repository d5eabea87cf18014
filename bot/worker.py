"""What runs inside a worker process: download, load, store, segment, draw, record the run.

Tasks and outcomes are small picklable dataclasses. Progress goes back to the parent through
the queue handed to ``init`` (``(job_id, stage)`` tuples). Nothing here talks to the Slack
Web API; the download is a plain authenticated HTTPS GET.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import storage
from bot.digest.refresh import Digest, refresh
from bot.errors import UserError
from bot.slack_io import download
from segmentation.charts import chart_pngs
from segmentation.load import load_export
from segmentation.pipeline import segment_export, segment_transactions
from segmentation.pipeline import warm_up as segmentation_warm_up
from segmentation.result import SegmentationResult

_progress: Any = None


@dataclass(frozen=True, kw_only=True)
class Where:
    """Whose data this is, and where the database lives."""

    team_id: str
    channel_id: str
    user_id: str
    db_path: Path
    data_dir: Path


@dataclass(frozen=True, kw_only=True)
class UploadTask:
    """Segment a file shared in Slack."""

    job_id: str
    where: Where
    file_id: str
    name: str
    url: str
    token: str = field(repr=False)
    hosts: tuple[str, ...]
    max_bytes: int


@dataclass(frozen=True, kw_only=True)
class RunTask:
    """Segment a stored dataset again (``/segment run``, the Re-run select)."""

    job_id: str
    where: Where
    dataset_id: int
    name: str
    k: int | None = None
    as_of: dt.date | None = None
    rows_read: int | None = None
    trigger: str = "command"


@dataclass(frozen=True, kw_only=True)
class RefreshTask:
    """Re-segment a channel for its digest (``bot.digest.refresh.refresh`` arguments)."""

    job_id: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    run_id: int
    dataset_id: int
    summary: dict
    charts: dict[str, bytes]


def init(progress: Any) -> None:
    """Process initializer: keep the progress queue (inherited, so it may be a real Queue)."""
    global _progress
    _progress = progress


def warm_up() -> int:
    """Start (and warm) a worker ahead of the first job: one small segmentation with charts."""
    chart_pngs(segmentation_warm_up())
    return 0


def report(job_id: str, stage: str) -> None:
    if _progress is not None:
        _progress.put((job_id, stage))


def run_task(task: UploadTask | RunTask | RefreshTask) -> Outcome | Digest:
    """Do the task; user-caused problems raise ExportError/UserError with plain messages."""
    if isinstance(task, UploadTask):
        return _upload(task)
    if isinstance(task, RefreshTask):
        return refresh(**task.arguments)
    return _rerun(task)


def _upload(task: UploadTask) -> Outcome:
    """Download, load and segment; only a usable export is stored as the channel's dataset."""
    w = task.where
    timings: dict[str, float] = {}
    started = time.perf_counter()
    report(task.job_id, "reading")
    data = download(
        task.url, token=task.token, hosts=task.hosts, max_bytes=task.max_bytes, name=task.name
    )
    sha256 = hashlib.sha256(data).hexdigest()
    export = load_export(data, name=task.name)
    del data  # the upload's bytes are not needed once loaded; don't hold them while clustering
    timings["read"] = time.perf_counter() - started
    started = time.perf_counter()
    result = segment_export(export, on_step=lambda step: report(task.job_id, step))
    timings["segment"] = time.perf_counter() - started
    summary = result.to_dict()
    with storage.connect(w.db_path) as db:
        dataset_id, _ = storage.save_dataset(
            db,
            team_id=w.team_id,
            channel_id=w.channel_id,
            user_id=w.user_id,
            file_name=task.name,
            sha256=sha256,
            transactions=export.transactions,
            summary=summary,
            slack_file_id=task.file_id,
            file_format=export.file_format,
            data_dir=w.data_dir,
        )
        run_id = storage.start_run(
            db,
            dataset_id=dataset_id,
            team_id=w.team_id,
            channel_id=w.channel_id,
            trigger="upload",
            params={"k": None, "as_of": None, "random_state": result.random_state},
            requested_by=w.user_id,
        )
    return _finish(task.job_id, w, run_id, dataset_id, result, timings)


def _rerun(task: RunTask) -> Outcome:
    w = task.where
    report(task.job_id, "reading")
    started = time.perf_counter()
    with storage.connect(w.db_path) as db:
        transactions = storage.load_transactions(
            db, task.dataset_id, team_id=w.team_id, channel_id=w.channel_id, data_dir=w.data_dir
        )
    timings = {"read": time.perf_counter() - started}
    params = {"k": task.k, "as_of": task.as_of.isoformat() if task.as_of else None}

    def segment() -> SegmentationResult:
        if transactions is None:
            raise UserError("That dataset is not available in this channel any more.")
        return segment_transactions(
            transactions,
            rows_read=task.rows_read,
            k=task.k,
            as_of=task.as_of,
            on_step=lambda step: report(task.job_id, step),
        )

    return _segment(task.job_id, w, task.dataset_id, task.trigger, params, segment, timings)


def _segment(job_id, w: Where, dataset_id, trigger, params, segment, timings) -> Outcome:  # noqa: ANN001
    """Record a run around ``segment()``: started, then finished or failed with its error."""
    with storage.connect(w.db_path) as db:
        run_id = storage.start_run(
            db,
            dataset_id=dataset_id,
            team_id=w.team_id,
            channel_id=w.channel_id,
            trigger=trigger,
            params=params,
            requested_by=w.user_id,
        )
    try:
        started = time.perf_counter()
        result = segment()
        timings["segment"] = time.perf_counter() - started
    except BaseException as e:
        with storage.connect(w.db_path) as db:
            storage.fail_run(db, run_id, str(e) or type(e).__name__)
        raise
    return _finish(job_id, w, run_id, dataset_id, result, timings)


def _finish(
    job_id, w: Where, run_id: int, dataset_id: int, result: SegmentationResult, timings
) -> Outcome:  # noqa: ANN001
    """Draw the charts and store the finished run (failed if anything goes wrong)."""
    try:
        report(job_id, "charts")
        started = time.perf_counter()
        charts = chart_pngs(result)
        timings["charts"] = time.perf_counter() - started
        summary = result.to_dict()
        with storage.connect(w.db_path) as db:
            storage.finish_run(
                db, run_id, summary=summary, customers=result.customers, timings=timings
            )
    except BaseException as e:
        with storage.connect(w.db_path) as db:
            storage.fail_run(db, run_id, str(e) or type(e).__name__)
        raise
    return Outcome(run_id=run_id, dataset_id=dataset_id, summary=summary, charts=charts)
