"""The job queue runs calls in a worker process: results and user errors come back intact."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

import storage
from bot.errors import NO_DATASET, UserError
from bot.jobs.queue import JobQueue, new_job_id
from bot.jobs.tasks import CallTask
from segmentation.load import load_export
from segmentation.pipeline import segment_export
from segmentation.sample import sample_export
from storage import Scope
from workflows.digest.refresh import RefreshRequest, refresh


def refresh_call(tmp_path: Path, channel_id: str) -> CallTask:
    request = RefreshRequest(
        db_path=tmp_path / "segbot.db",
        data_dir=tmp_path / "segbot-data",
        scope=Scope("T1", channel_id),
        as_of=dt.date(2011, 12, 10),
    )
    return CallTask(job_id=new_job_id(), call=functools.partial(refresh, request))


def test_refresh_error_comes_back_from_the_worker(jobs: JobQueue, tmp_path: Path) -> None:
    storage.open_db(tmp_path / "segbot.db").close()
    with pytest.raises(UserError) as raised:
        jobs.run(refresh_call(tmp_path, "C-empty"), name="digest refresh")
    assert str(raised.value) == NO_DATASET


def test_refresh_in_a_worker_stores_the_run_and_returns_the_digest(
    jobs: JobQueue, tmp_path: Path
) -> None:
    frame, _ = sample_export(rows=3_000, seed=0)
    export = load_export(frame.to_csv(index=False).encode(), name="orders.csv")
    with storage.connect(tmp_path / "segbot.db") as db:
        dataset_id, _ = storage.save_dataset(
            db, Scope("T1", "C1"), export.record, user_id="U1",
            transactions=export.transactions, summary=segment_export(export).summary,
            data_dir=tmp_path / "segbot-data",
        )  # fmt: skip
    digest = jobs.run(refresh_call(tmp_path, "C1"), name="digest refresh")
    assert digest.channel_id == "C1" and digest.k >= 2 and digest.movement is None
    with storage.connect(tmp_path / "segbot.db") as db:
        runs = storage.runs_for(db, Scope("T1", "C1"))
    assert [r.trigger for r in runs] == ["schedule"]
    assert runs[0].dataset_id == dataset_id
