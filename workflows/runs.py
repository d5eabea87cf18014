"""Segment-and-record: the one way a run happens, whoever asked for it.

An upload, *Add* or *Replace*, a re-run, a connected source, a digest's refresh and
``segbot segment --db`` all go through ``segment_and_record``: the run is recorded as running
before any work, then finished with its result (and charts), or failed with the sentence of
what went wrong — never left half-written for a reader to see.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import storage
from segmentation.result import SegmentationResult
from segmentation.summary import RunParams, RunSummary
from storage import Scope


@dataclass(frozen=True, kw_only=True)
class Where:
    """Whose data this is, who asked, and where the database and its files live."""

    scope: Scope
    user_id: str | None
    db_path: Path
    data_dir: Path


@dataclass(frozen=True)
class Outcome:
    """A finished, stored run: its id, dataset, summary and chart PNGs (file name → bytes)."""

    run_id: int
    dataset_id: int
    summary: RunSummary
    charts: dict[str, bytes] = field(repr=False)


@dataclass(frozen=True)
class Recorded:
    """What ``segment_and_record`` returns: the stored run, and the result itself for callers
    that go on with it (a digest compares it; the command line writes its report)."""

    outcome: Outcome
    result: SegmentationResult = field(repr=False)


Step = Callable[[str], None]  # hears a run's stages ("cleaning", "clustering", "charts")


def quietly(_step: str) -> None:
    """Progress nobody is watching."""


def segment_and_record(
    where: Where,
    *,
    dataset_id: int,
    trigger: str,
    params: RunParams,
    segment: Callable[[], SegmentationResult],
    draw: bool = True,
    job_id: str | None = None,
    on_step: Step = quietly,
    timings: dict[str, float] | None = None,
) -> Recorded:
    """Record a run of ``dataset_id`` around ``segment()`` (and the charts when ``draw``).

    ``params`` are what the run was asked for; ``trigger`` says who asked (``storage.TRIGGERS``);
    ``job_id`` links the run to the job that asked, so a restarted bot can post it; ``timings``
    already measured (reading, say) are stored with the run's own. An error inside marks the
    run failed with its message and propagates.
    """
    timings = dict(timings or {})
    with storage.record_run(
        where.db_path, where.scope, dataset_id=dataset_id, trigger=trigger, params=params,
        requested_by=where.user_id,
    ) as run:  # fmt: skip
        if job_id is not None:
            storage.link_job_run(where.db_path, job_id, run.run_id)
        started = time.perf_counter()
        result = segment()
        timings.setdefault("segment", time.perf_counter() - started)
        charts: dict[str, bytes] = {}
        if draw:
            on_step("charts")
            started = time.perf_counter()
            from segmentation.charts import chart_pngs  # matplotlib: only for runs that draw

            charts = chart_pngs(result)
            timings["charts"] = time.perf_counter() - started
        run.finish(result, timings)
    outcome = Outcome(run.run_id, dataset_id, result.summary, charts)
    return Recorded(outcome, result)
