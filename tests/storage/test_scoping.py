"""A channel only ever sees its own data, even when it asks for another channel's ids."""

from __future__ import annotations

import pytest

import storage

OTHERS = [("T1", "C2"), ("T2", "C1")]  # another channel; the same channel id in another workspace


@pytest.mark.parametrize(("team_id", "channel_id"), OTHERS)
def test_other_channels_never_see_a_run(db, db_path, add_run, team_id, channel_id):
    run_id = add_run(db, "T1", "C1")
    dataset_id = storage.latest_dataset(db, "T1", "C1")["id"]
    scope = {"team_id": team_id, "channel_id": channel_id}
    assert storage.run_for(db, run_id, **scope) is None
    assert storage.segments_for(db, run_id, **scope) == []
    assert storage.assignments_for(db, run_id, **scope).empty
    customer = storage.assignments_for(db, run_id, team_id="T1", channel_id="C1").index[0]
    assert storage.assignment_for(db, run_id, customer, **scope) is None
    assert storage.dataset_for(db, dataset_id, **scope) is None
    assert (
        storage.load_transactions(db, dataset_id, data_dir=storage.data_dir(db_path), **scope)
        is None
    )
    assert storage.latest_run(db, team_id, channel_id) is None
    assert storage.latest_dataset(db, team_id, channel_id) is None
    assert storage.runs_for(db, team_id, channel_id) == []
    assert storage.datasets_for(db, team_id, channel_id) == []
    with pytest.raises(ValueError, match="does not belong"):
        storage.start_run(db, dataset_id=dataset_id, trigger="button", params={}, **scope)


def test_each_channel_sees_only_its_own_runs(db, add_run):
    a = add_run(db, "T1", "C1")
    b = add_run(db, "T1", "C2")
    assert [r["id"] for r in storage.runs_for(db, "T1", "C1")] == [a]
    assert storage.latest_run(db, "T1", "C2")["id"] == b
    assert not storage.set_run_message(db, a, channel_id="C2", thread_ts=None, message_ts="1.0")
    assert storage.run_for(db, a, team_id="T1", channel_id="C1")["message_ts"] is None
