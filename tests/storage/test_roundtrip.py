"""What goes in comes back out: datasets, runs, segments and assignments."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pyarrow.feather as feather
import pytest

import storage
from segmentation.load import ExportRecord
from segmentation.summary import RunParams
from storage import CustomerRow, Dataset

from .conftest import HERE


def test_dataset_round_trip_keeps_the_normalised_table(
    db, db_path, add_dataset, small_export, small_result
):
    dataset_id = add_dataset(db)
    folder = storage.data_dir(db_path)
    back = storage.load_transactions(db, dataset_id, HERE, data_dir=folder)
    pd.testing.assert_frame_equal(back, small_export.transactions)
    assert isinstance(back["customer_id"].dtype, pd.CategoricalDtype)
    dataset = storage.latest_dataset(db, HERE)
    assert isinstance(dataset, Dataset) and dataset.id == dataset_id
    assert (dataset.mapping, dataset.file_format) == (
        small_export.mapping,
        small_export.file_format,
    )
    assert (dataset.rows_read, dataset.customers) == (
        small_result.summary.rows_read,
        small_result.summary.customers,
    )
    # Files written in many record batches (as earlier versions did) load the same.
    [path] = (folder / "transactions").iterdir()
    assert folder == db_path.parent / "segbot-data"
    feather.write_feather(feather.read_table(path), path, chunksize=7)
    again = storage.load_transactions(db, dataset_id, HERE, data_dir=folder)
    pd.testing.assert_frame_equal(again, small_export.transactions)


def test_same_bytes_in_the_same_channel_are_one_dataset(
    db, db_path, add_dataset, small_export, small_result
):
    first = add_dataset(db, content=b"same bytes")
    again, created = storage.save_dataset(
        db,
        HERE,
        ExportRecord(file_name="renamed.csv", sha256=storage.dataset_for(db, first, HERE).sha256),
        user_id="U2",
        transactions=small_export.transactions,
        summary=small_result.summary,
        data_dir=storage.data_dir(db_path),
    )
    assert (again, created) == (first, False)
    other_channel = add_dataset(db, storage.Scope("T1", "C2"), content=b"same bytes")
    assert other_channel != first
    assert len(storage.datasets_for(db, HERE)) == 1
    assert len(list((storage.data_dir(db_path) / "transactions").iterdir())) == 2


def test_finished_run_round_trip(db, add_run, small_result):
    run_id = add_run(db)
    run = storage.run_for(db, run_id, HERE)
    assert (run.status, run.summary, run.error) == ("done", small_result.summary, None)
    assert (run.k, run.params, run.trigger, run.requested_by) == (3, RunParams(k=3), "upload", "U1")
    assert run.as_of == small_result.summary.as_of.isoformat()
    assert run.created_at <= run.finished_at and run.file_name == "orders.csv"
    timings = db["runs"].get(run_id)["timings"]
    assert timings == '{"segment":0.5}'
    assert storage.segments_for(db, run_id, HERE) == small_result.summary.segments
    customers = storage.assignments_for(db, run_id, HERE)
    pd.testing.assert_frame_equal(customers, small_result.customers)
    first_id = small_result.customers.index[0]
    one = storage.assignment_for(db, run_id, first_id, HERE)
    assert isinstance(one, CustomerRow) and one.customer_id == str(first_id)
    assert one.segment == small_result.customers.loc[first_id, "segment"]
    for column in ("p_active", "expected_orders_90d", "expected_value_90d"):
        stored = small_result.customers.loc[first_id, column]  # NaN (stored NULL) without them
        assert getattr(one, column) == (None if pd.isna(stored) else stored)
    assert storage.assignment_for(db, run_id, "nobody", HERE) is None


def test_a_run_without_predictions_stores_them_as_null(db, add_run, small_result):
    run_id = add_run(db)
    db.execute("UPDATE assignments SET p_active = NULL, expected_orders_90d = NULL, "
               "expected_value_90d = NULL")  # fmt: skip
    customers = storage.assignments_for(db, run_id, HERE)
    assert customers["p_active"].isna().all() and customers["expected_value_90d"].dtype == float
    one = storage.assignment_for(db, run_id, small_result.customers.index[0], HERE)
    assert (one.p_active, one.expected_orders_90d, one.expected_value_90d) == (None, None, None)


def test_a_running_run_keeps_its_params(db, db_path, add_dataset, small_result):
    params = RunParams(k=None, as_of=dt.date(2011, 12, 10), random_state=7)
    with storage.record_run(
        db_path, HERE, dataset_id=add_dataset(db), trigger="schedule", params=params
    ) as run:
        running = storage.run_for(db, run.run_id, HERE)
        assert (running.status, running.params, running.summary) == ("running", params, None)
        assert storage.latest_run(db, HERE) is None  # only done runs count
        run.finish(small_result, {})
    assert storage.latest_run(db, HERE).params == params


def test_an_error_in_the_block_fails_the_run_and_propagates(db, add_run, open_run):
    done = add_run(db)
    with pytest.raises(ValueError, match="no customer ids"), open_run(db) as run:
        raise ValueError("The file has no customer ids.")
    failed = storage.run_for(db, run.run_id, HERE)
    assert (failed.status, failed.error) == ("failed", "The file has no customer ids.")
    assert failed.finished_at is not None and failed.summary is None
    assert storage.latest_run(db, HERE).id == done
    assert [r.id for r in storage.runs_for(db, HERE)] == [run.run_id, done]
    assert all(r.summary is None for r in storage.runs_for(db, HERE))


def test_a_block_left_without_finishing_fails_the_run(db, open_run):
    with open_run(db) as run:
        pass
    assert storage.run_for(db, run.run_id, HERE).status == "failed"


def test_a_run_finishes_once(db, open_run, small_result):
    with open_run(db) as run:
        run.finish(small_result, {})
        with pytest.raises(ValueError, match="not running"):
            run.finish(small_result, {})
    assert storage.run_for(db, run.run_id, HERE).status == "done"


def test_unknown_trigger_is_refused(db, open_run):
    with pytest.raises(ValueError, match="trigger"), open_run(db, trigger="cron"):
        pass
    assert db["runs"].count == 0


def test_a_failed_write_leaves_nothing_behind(db, open_run, small_result, monkeypatch):
    def broken(db, run_id, customers):
        raise RuntimeError("disk full")

    monkeypatch.setattr("storage.runs.replace_assignments", broken)
    with pytest.raises(RuntimeError), open_run(db) as run:
        run.finish(small_result, {})
    assert (storage.run_for(db, run.run_id, HERE).status, run.finished) == ("failed", False)
    assert storage.segments_for(db, run.run_id, HERE) == ()
    assert db["segments"].count == 0


def test_real_run_is_written_in_one_fast_transaction(db, open_run, real_result):
    with open_run(db) as run:
        started = time.perf_counter()
        run.finish(real_result, {})
        # Target 0.2 s (benchmarks/bench_storage.py); row-by-row commits take seconds.
        assert time.perf_counter() - started < 1.0
    stored = storage.assignments_for(db, run.run_id, HERE)
    assert len(stored) == 4338
    pd.testing.assert_frame_equal(stored, real_result.customers)  # predictions included
