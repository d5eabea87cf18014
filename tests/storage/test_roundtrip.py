"""What goes in comes back out: datasets, runs, segments and assignments."""

from __future__ import annotations

import time

import pandas as pd
import pyarrow.feather as feather
import pytest

import storage


def test_dataset_round_trip_keeps_the_normalised_table(db, db_path, add_dataset, small_export):
    dataset_id = add_dataset(db)
    back = storage.load_transactions(
        db, dataset_id, team_id="T1", channel_id="C1", data_dir=storage.data_dir(db_path)
    )
    pd.testing.assert_frame_equal(back, small_export.transactions)
    assert isinstance(back["customer_id"].dtype, pd.CategoricalDtype)
    dataset = storage.latest_dataset(db, "T1", "C1")
    assert dataset["id"] == dataset_id
    # Files written in many record batches (as earlier versions did) load the same.
    path = storage.data_dir(db_path) / dataset["transactions_path"]
    feather.write_feather(feather.read_table(path), path, chunksize=7)
    again = storage.load_transactions(
        db, dataset_id, team_id="T1", channel_id="C1", data_dir=storage.data_dir(db_path)
    )
    pd.testing.assert_frame_equal(again, small_export.transactions)
    assert dataset["mapping"] == small_export.mapping
    assert dataset["file_format"] == small_export.file_format
    assert (db_path.parent / "segbot-data" / dataset["transactions_path"]).exists()


def test_same_bytes_in_the_same_channel_are_one_dataset(db, db_path, add_dataset, small_export):
    first = add_dataset(db, content=b"same bytes")
    again, created = storage.save_dataset(
        db,
        team_id="T1",
        channel_id="C1",
        user_id="U2",
        file_name="renamed.csv",
        sha256=storage.dataset_for(db, first, team_id="T1", channel_id="C1")["sha256"],
        transactions=small_export.transactions,
        summary={},
        data_dir=storage.data_dir(db_path),
    )
    assert (again, created) == (first, False)
    other_channel = add_dataset(db, channel_id="C2", content=b"same bytes")
    assert other_channel != first
    assert len(storage.datasets_for(db, "T1", "C1")) == 1
    assert len(list((db_path.parent / "segbot-data" / "transactions").iterdir())) == 2


def test_finished_run_round_trip(db, add_run, small_result):
    run_id = add_run(db)
    run = storage.run_for(db, run_id, team_id="T1", channel_id="C1")
    assert run["status"] == "done" and run["summary"] == small_result.to_dict()
    assert (run["k"], run["param_k"], run["trigger"]) == (3, 3, "upload")
    assert run["timings"] == {"segment": 0.5}
    assert run["started_at"] <= run["finished_at"]
    assert storage.segments_for(db, run_id, team_id="T1", channel_id="C1") == [
        s.to_dict() for s in small_result.segments
    ]
    customers = storage.assignments_for(db, run_id, team_id="T1", channel_id="C1")
    pd.testing.assert_frame_equal(customers, small_result.customers)
    first_id = small_result.customers.index[0]
    one = storage.assignment_for(db, run_id, first_id, team_id="T1", channel_id="C1")
    assert one["segment"] == small_result.customers.loc[first_id, "segment"]
    assert storage.assignment_for(db, run_id, "nobody", team_id="T1", channel_id="C1") is None


def test_latest_run_is_the_latest_done_one(db, add_run, add_dataset):
    done = add_run(db)
    failed = storage.start_run(
        db,
        dataset_id=add_dataset(db),
        team_id="T1",
        channel_id="C1",
        trigger="command",
        params={"k": None, "as_of": None, "random_state": 0},
    )
    assert storage.fail_run(db, failed, "The file has no customer ids.")
    assert not storage.fail_run(db, done, "too late")  # a done run stays done
    assert storage.latest_run(db, "T1", "C1")["id"] == done
    assert [r["id"] for r in storage.runs_for(db, "T1", "C1")] == [failed, done]
    assert storage.run_for(db, failed, team_id="T1", channel_id="C1")["error"].startswith(
        "The file"
    )
    with pytest.raises(ValueError, match="not queued or running"):
        storage.finish_run(db, failed, summary={}, customers=pd.DataFrame(), timings={})


def test_queued_run_is_started_once(db, add_dataset):
    run_id = storage.queue_run(
        db,
        dataset_id=add_dataset(db),
        team_id="T1",
        channel_id="C1",
        trigger="schedule",
        params={"k": None, "as_of": "2011-12-10", "random_state": 0},
    )
    run = storage.run_for(db, run_id, team_id="T1", channel_id="C1")
    assert (run["status"], run["started_at"], run["param_as_of"]) == ("queued", None, "2011-12-10")
    assert storage.mark_run_started(db, run_id)
    assert not storage.mark_run_started(db, run_id)
    assert storage.run_for(db, run_id, team_id="T1", channel_id="C1")["status"] == "running"


def test_unknown_trigger_is_refused(db, add_dataset):
    with pytest.raises(ValueError, match="trigger"):
        storage.start_run(
            db, dataset_id=add_dataset(db), team_id="T1", channel_id="C1", trigger="cron", params={}
        )


def test_run_remembers_its_slack_message(db, add_run):
    run_id = add_run(db)
    assert storage.set_run_message(
        db, run_id, channel_id="C1", thread_ts="1700000000.000100", message_ts="1700000000.000200"
    )
    run = storage.run_for(db, run_id, team_id="T1", channel_id="C1")
    assert (run["thread_ts"], run["message_ts"]) == ("1700000000.000100", "1700000000.000200")


def test_a_failed_write_leaves_nothing_behind(db, add_dataset, small_result, monkeypatch):
    run_id = storage.start_run(
        db, dataset_id=add_dataset(db), team_id="T1", channel_id="C1", trigger="cli", params={}
    )

    def broken(db, run_id, customers):
        raise RuntimeError("disk full")

    monkeypatch.setattr("storage.runs.replace_assignments", broken)
    with pytest.raises(RuntimeError):
        storage.finish_run(
            db, run_id, summary=small_result.to_dict(), customers=small_result.customers, timings={}
        )
    assert storage.run_for(db, run_id, team_id="T1", channel_id="C1")["status"] == "running"
    assert storage.segments_for(db, run_id, team_id="T1", channel_id="C1") == []


def test_real_run_is_written_in_one_fast_transaction(db, add_dataset, real_result):
    run_id = storage.start_run(
        db, dataset_id=add_dataset(db), team_id="T1", channel_id="C1", trigger="cli", params={}
    )
    started = time.perf_counter()
    storage.finish_run(
        db, run_id, summary=real_result.to_dict(), customers=real_result.customers, timings={}
    )
    # Target 0.2 s (benchmarks/bench_storage.py); row-by-row commits take seconds.
    assert time.perf_counter() - started < 1.0
    assert len(storage.assignments_for(db, run_id, team_id="T1", channel_id="C1")) == 4338
