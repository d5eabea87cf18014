"""Storage fixtures: real SQLite files in tmp_path and a small real segmentation result."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

import storage


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
    """Store the small export for (team, channel); returns the dataset id."""

    def add(db, team_id: str = "T1", channel_id: str = "C1", content: bytes = b"orders") -> int:
        dataset_id, _ = storage.save_dataset(
            db,
            team_id=team_id,
            channel_id=channel_id,
            user_id="U1",
            file_name="orders.csv",
            sha256=hashlib.sha256(content).hexdigest(),
            transactions=small_export.transactions,
            summary=small_result.to_dict(),
            data_dir=storage.data_dir(db_path),
            file_format=small_export.file_format,
        )
        return dataset_id

    return add


@pytest.fixture
def add_run(add_dataset, small_result) -> Callable[..., int]:
    """Store a finished run of the small result for (team, channel); returns the run id."""

    def add(db, team_id: str = "T1", channel_id: str = "C1", trigger: str = "upload") -> int:
        dataset_id = add_dataset(db, team_id, channel_id)
        run_id = storage.start_run(
            db,
            dataset_id=dataset_id,
            team_id=team_id,
            channel_id=channel_id,
            trigger=trigger,
            params={"k": 3, "as_of": None, "random_state": 0},
            requested_by="U1",
        )
        storage.finish_run(
            db,
            run_id,
            summary=small_result.to_dict(),
            customers=small_result.customers,
            timings={"segment": 0.5},
        )
        return run_id

    return add
