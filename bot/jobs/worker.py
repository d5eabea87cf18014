"""What runs inside a worker process: the download, then the workflow that loads, stores,
segments, draws and records (``workflows.segmenting``).

Progress goes back to the parent through the queue handed to ``init`` (``(job_id, stage)``
tuples). Nothing here talks to the Slack Web API; the download is a plain authenticated GET.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import resource
import time
from collections.abc import Callable
from typing import Any

from bot.jobs import lifeline
from bot.jobs.tasks import (
    AlreadyStored,
    AppendQuestion,
    AppendTask,
    CallTask,
    Outcome,
    RunTask,
    SourceTask,
    Task,
    UploadTask,
)
from bot.slack.files import download
from segmentation import engine
from segmentation.charts import chart_pngs
from segmentation.load import ReadLimits
from segmentation.pipeline import warm_up as segmentation_warm_up
from workflows import kept_files
from workflows.segmenting import (
    segment_bound_source,
    segment_chosen,
    segment_stored,
    segment_upload,
)

_progress: Any = None
M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 2


def init(progress: Any, memory_bytes: int | None = None) -> None:
    """Process initializer: keep the progress queue (inherited, so it may be a real Queue)
    and cap this process's address space at ``memory_bytes`` (``Settings.worker_memory_bytes``).

    Past the cap an allocation fails with MemoryError, which the loader turns into a plain
    answer, instead of one upload taking the host's memory (a decompression bomb, say).
    """
    global _progress
    _progress = progress
    lifeline.follow_parent()  # a worker never outlives the bot (it would finish unposted jobs)
    if memory_bytes:
        # DuckDB spills to disk at half the cap, leaving the rest to pandas and K-Means. The
        # worker's own set-up (DuckDB's threads and arenas, the lifeline) comes before the cap:
        # it is not a job's memory, and under a tight cap it failed there, not in the job.
        engine.limit_memory(memory_bytes // 2**21)
        limit_memory(memory_bytes)


def limit_memory(memory_bytes: int) -> None:
    """RLIMIT_AS for this process (never above a hard limit already set), with at most
    ``MALLOC_ARENAS`` malloc arenas."""
    _few_malloc_arenas()
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory_bytes = min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))


def _few_malloc_arenas() -> None:
    """glibc gives each thread that allocates its own arena, reserving 64 MB or more of
    address space that RLIMIT_AS counts though little of it is used: on a 1 GB upload the
    worker's peak address space was 6.0 GB under its 6 GB cap, 5.3 GB with two arenas
    (resident memory the same). Elsewhere than glibc, nothing to do."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)


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
def _upload(task: UploadTask) -> Outcome | AppendQuestion | AlreadyStored:
    """Download and load the shared file, then hand it to ``segment_upload``: only a usable
    export is stored as the channel's dataset, and in a channel that already has data the
    question whether it adds to that data or replaces it comes back instead."""
    started = time.perf_counter()
    report(task.job_id, "reading")
    data = None if task.kept is None else kept_files.kept_bytes(task.where, task.kept)
    if data is None:  # not kept by a question (or gone since): fetched from Slack
        data = download(
            task.url, token=task.token, hosts=task.hosts, max_bytes=task.max_bytes, name=task.name
        )
    export = kept_files.load_shared(
        task.where,
        data,
        name=task.name,
        mapping=task.mapping,
        currency=task.currency,
        limits=ReadLimits.for_upload(task.max_bytes),  # unpacked size and rows, from the limit
        kept=task.kept,
    )
    del data  # the upload's bytes are not needed once loaded; don't hold them while clustering
    return segment_upload(
        task.where, export, file_id=task.file_id,
        job_id=task.job_id, on_step=_progress_of(task.job_id),
        timings={"read": time.perf_counter() - started},
    )  # fmt: skip


@run_task.register
def _append(task: AppendTask) -> Outcome:
    """Store and segment an upload that waited for *Add* or *Replace*."""
    report(task.job_id, "reading")
    return segment_chosen(
        task.where, task.append_id, task.choice, currency=task.currency, job_id=task.job_id,
        on_step=_progress_of(task.job_id),
    )  # fmt: skip


@run_task.register
def _rerun(task: RunTask) -> Outcome:
    """Segment a stored dataset again with the task's parameters."""
    report(task.job_id, "reading")
    return segment_stored(
        task.where, task.dataset_id, task.params, trigger=task.trigger, currency=task.currency,
        job_id=task.job_id, on_step=_progress_of(task.job_id),
    )  # fmt: skip


@run_task.register
def _source(task: SourceTask) -> Outcome:
    """Query the channel's connected source and segment what comes back."""
    report(task.job_id, "reading")
    return segment_bound_source(
        task.where, task.dataset_id, task.source, task.params, trigger=task.trigger,
        currency=task.currency, job_id=task.job_id, on_step=_progress_of(task.job_id),
    )  # fmt: skip


def _progress_of(job_id: str) -> Callable[[str], None]:
    return functools.partial(report, job_id)
