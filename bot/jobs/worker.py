"""What runs inside a worker process: download, load, store, segment, draw, record the run.

Progress goes back to the parent through the queue handed to ``init`` (``(job_id, stage)``
tuples). Nothing here talks to the Slack Web API; the download is a plain authenticated GET.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import resource
import time
from collections.abc import Callable
from typing import Any

import storage
from bot.bindings import segment_source
from bot.errors import UserError
from bot.jobs import appends, lifeline
from bot.jobs.tasks import (
    AppendQuestion,
    AppendTask,
    CallTask,
    Outcome,
    RunTask,
    SourceTask,
    Task,
    UploadTask,
    Where,
)
from bot.slack.files import download
from segmentation import engine
from segmentation.charts import chart_pngs
from segmentation.load import ReadLimits, load_export
from segmentation.pipeline import Provenance, segment_export, segment_transactions
from segmentation.pipeline import warm_up as segmentation_warm_up
from segmentation.result import SegmentationResult
from segmentation.summary import RunParams

_progress: Any = None


def init(progress: Any, memory_bytes: int | None = None) -> None:
    """Process initializer: keep the progress queue (inherited, so it may be a real Queue)
    and cap this process's address space at ``memory_bytes`` (``Settings.worker_memory_bytes``).

    Past the cap an allocation fails with MemoryError, which the loader turns into a plain
    answer, instead of one upload taking the host's memory (a decompression bomb, say).
    """
    global _progress
    _progress = progress
    if memory_bytes:
        limit_memory(memory_bytes)
        # DuckDB spills to disk at half the cap, leaving the rest to pandas and K-Means.
        engine.limit_memory(memory_bytes // 2**21)
    lifeline.follow_parent()  # a worker never outlives the bot (it would finish unposted jobs)


def limit_memory(memory_bytes: int) -> None:
    """RLIMIT_AS for this process (never above a hard limit already set)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory_bytes = min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))


def warm_up() -> int:
    """Start (and warm) a worker ahead of the first job: one small segmentation with charts.

    Then what is loaded by now (libraries, the engine's compiled queries) is frozen out of the
    garbage collector's sight: the worker keeps it for ever, and each full collection walking
    those objects again cost an upload of the real data 0.2 s (a fifth of its time).
    """
    chart_pngs(segmentation_warm_up())
    gc.freeze()
    return 0


def report(job_id: str, stage: str) -> None:
    if _progress is not None:
        _progress.put((job_id, stage))


@functools.singledispatch
def run_task(task: Task) -> Any:
    """Do the task; user-caused problems raise ExportError/UserError with plain messages."""
    raise TypeError(f"not a task: {task!r}")


@run_task.register
def _call(task: CallTask) -> Any:
    return task.call()


@run_task.register
def _upload(task: UploadTask) -> Outcome | AppendQuestion:
    """Download, load and segment; only a usable export is stored as the channel's dataset.

    In a channel that already has data, a new file is only loaded and kept: the question
    whether it adds to that data or replaces it comes back instead (``bot.jobs.appends``)."""
    w = task.where
    started = time.perf_counter()
    report(task.job_id, "reading")
    data = download(
        task.url, token=task.token, hosts=task.hosts, max_bytes=task.max_bytes, name=task.name
    )
    sha256 = hashlib.sha256(data).hexdigest()
    export = load_export(
        data,
        name=task.name,
        mapping=task.mapping,
        currency=task.currency,
        limits=ReadLimits.for_upload(task.max_bytes),  # unpacked size and rows, from the limit
    )
    del data  # the upload's bytes are not needed once loaded; don't hold them while clustering
    question = appends.question_for(task, export, sha256)
    if question is not None:
        return question
    timings = {"read": time.perf_counter() - started}
    params = RunParams()
    started = time.perf_counter()
    result = segment_export(
        export,
        k=params.k,
        as_of=params.as_of,
        random_state=params.random_state,
        on_step=lambda step: report(task.job_id, step),
    )
    timings["segment"] = time.perf_counter() - started
    with storage.connect(w.db_path) as db:
        dataset_id, _ = storage.save_dataset(
            db,
            w.scope,
            user_id=w.user_id,
            file_name=task.name,
            sha256=sha256,
            transactions=export.transactions,
            summary=result.summary,
            slack_file_id=task.file_id,
            file_format=export.file_format,
            data_dir=w.data_dir,
        )
    return _record(task.job_id, w, dataset_id, "upload", params, lambda: result, timings)


@run_task.register
def _append(task: AppendTask) -> Outcome:
    """Store and segment an upload that waited for *Add* or *Replace*."""
    params = RunParams()
    report(task.job_id, "reading")
    started = time.perf_counter()
    chosen = appends.chosen_upload(task)
    timings = {"read": time.perf_counter() - started}
    started = time.perf_counter()
    result = segment_transactions(
        chosen.transactions,
        rows_read=chosen.rows_read,
        k=params.k,
        as_of=params.as_of,
        random_state=params.random_state,
        on_step=lambda step: report(task.job_id, step),
        provenance=chosen.provenance,
    )
    timings["segment"] = time.perf_counter() - started
    dataset_id = appends.store(task, chosen, result.summary)
    return _record(task.job_id, task.where, dataset_id, "upload", params, lambda: result, timings)


@run_task.register
def _rerun(task: RunTask) -> Outcome:
    """Segment a stored dataset again with the task's parameters."""
    w, params = task.where, task.params
    report(task.job_id, "reading")
    started = time.perf_counter()
    with storage.connect(w.db_path) as db:
        dataset = storage.dataset_for(db, task.dataset_id, w.scope)
        transactions = storage.load_transactions(db, task.dataset_id, w.scope, data_dir=w.data_dir)
    if dataset is None or transactions is None:
        raise UserError("That dataset is not available in this channel any more.")
    timings = {"read": time.perf_counter() - started}

    def segment() -> SegmentationResult:
        return segment_transactions(
            transactions,
            rows_read=dataset.rows_read,
            k=params.k,
            as_of=params.as_of,
            random_state=params.random_state,
            on_step=lambda step: report(task.job_id, step),
            provenance=Provenance(
                mapping=dataset.mapping, currency=task.currency or dataset.currency
            ),
        )

    return _record(task.job_id, w, task.dataset_id, task.trigger, params, segment, timings)


@run_task.register
def _source(task: SourceTask) -> Outcome:
    """Query the source (the aggregate runs where the data lives) and segment what comes back.

    The run is recorded before the query, so a source that fails (unreachable, wrong password,
    missing table or columns, no rows, too slow) is a failed run whose error is the sentence
    naming what to fix; the channel's previous results stay as they were.
    """
    w, params, source = task.where, task.params, task.source
    report(task.job_id, "reading")

    def segment() -> SegmentationResult:
        return segment_source(
            source, params, currency=task.currency, on_step=lambda step: report(task.job_id, step)
        )

    outcome = _record(task.job_id, w, task.dataset_id, task.trigger, params, segment, {})
    with storage.connect(w.db_path) as db:
        storage.update_source_dataset(db, task.dataset_id, w.scope, outcome.summary)
    return outcome


def _record(
    job_id: str,
    w: Where,
    dataset_id: int,
    trigger: str,
    params: RunParams,
    segment: Callable[[], SegmentationResult],
    timings: dict[str, float],
) -> Outcome:
    """Record a run around ``segment()`` and the charts: stored done, or failed with its error."""
    with storage.record_run(
        w.db_path,
        w.scope,
        dataset_id=dataset_id,
        trigger=trigger,
        params=params,
        requested_by=w.user_id,
    ) as run:
        storage.link_job_run(w.db_path, job_id, run.run_id)  # so a restart can post it
        started = time.perf_counter()
        result = segment()
        timings.setdefault("segment", time.perf_counter() - started)
        report(job_id, "charts")
        started = time.perf_counter()
        charts = chart_pngs(result)
        timings["charts"] = time.perf_counter() - started
        run.finish(result, timings)
    return Outcome(run_id=run.run_id, dataset_id=dataset_id, summary=result.summary, charts=charts)
