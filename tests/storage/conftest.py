"""Storage fixtures: real SQLite files in tmp_path and a small real segmentation result."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import storage
from segmentation.summary import RunParams
from storage import Scope

HERE = Scope("T1", "C1")
# Another channel of the same workspace, and the same channel id in another workspace.
ELSEWHERE = (Scope("T1", "C2"), Scope("T2", "C1"))


@pytest.fixture(scope="session")
def small_export(sample_csv_bytes):
    from segmentation.load import load_export

    return load_export(sample_csv_bytes, name="orders.csv")


@pytest.fixture(scope="session")
def small_result(small_export):
    from segmentation.pipeline import segment_export

    return segment_export(small_export, k=3)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "segbot.db"


@pytest.fixture
def db(db_path: Path):
    with storage.connect(db_path) as db:
        yield db


@pytest.fixture
def add_dataset(db_path, small_export, small_result) -> Callable[..., int]:
    """Store the small export for a scope; returns the dataset id (the same ``content``, the same id)."""

    def add(db, scope: Scope = HERE, content: bytes = b"orders") -> int:
        record = replace(
            small_export.record, file_name="orders.csv", sha256=hashlib.sha256(content).hexdigest()
        )
        dataset_id, _ = storage.save_dataset(
            db,
            scope,
            record,
            user_id="U1",
            transactions=small_export.transactions,
            summary=small_result.summary,
            data_dir=storage.data_dir(db_path),
        )
        return dataset_id

    return add


@pytest.fixture
def add_run(db_path, add_dataset, small_result) -> Callable[..., int]:
    """Record a finished run of the small result for a scope; returns the run id."""

    def add(db, scope: Scope = HERE, trigger: str = "upload") -> int:
        dataset_id = add_dataset(db, scope)
        with storage.record_run(
            db_path,
            scope,
            dataset_id=dataset_id,
            trigger=trigger,
            params=RunParams(k=3),
            requested_by="U1",
        ) as run:
            run.finish(small_result, {"segment": 0.5})
        return run.run_id

    return add


@pytest.fixture
def open_run(db_path, add_dataset):
    """``with open_run(db) as run:`` a run recorded as 'running' until the block ends."""

    def start(db, scope: Scope = HERE, trigger: str = "cli"):
        return storage.record_run(
            db_path, scope, dataset_id=add_dataset(db, scope), trigger=trigger, params=RunParams()
        )

    return start
