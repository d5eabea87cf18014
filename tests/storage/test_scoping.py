"""A channel only ever sees its own data, even when it asks for another channel's ids."""

from __future__ import annotations

import pytest

import storage
from segmentation.summary import RunParams
from storage import Scope

from .conftest import ELSEWHERE, HERE


@pytest.mark.parametrize("scope", ELSEWHERE, ids=str)
def test_other_channels_never_see_a_run(db, db_path, add_run, scope):
    run_id = add_run(db, HERE)
    dataset_id = storage.latest_dataset(db, HERE).id
    customer = storage.assignments_for(db, run_id, HERE).index[0]
    assert storage.run_for(db, run_id, scope) is None
    assert storage.segments_for(db, run_id, scope) == ()
    assert storage.assignments_for(db, run_id, scope).empty
    assert storage.assignment_for(db, run_id, customer, scope) is None
    assert storage.dataset_for(db, dataset_id, scope) is None
    assert (
        storage.load_transactions(db, dataset_id, scope, data_dir=storage.data_dir(db_path)) is None
    )
    assert storage.latest_run(db, scope) is None
    assert storage.latest_dataset(db, scope) is None
    assert storage.runs_for(db, scope) == []
    assert storage.datasets_for(db, scope) == []
    assert storage.schedule_for(db, scope) is None
    with (
        pytest.raises(ValueError, match="does not belong"),
        storage.record_run(
            db_path, scope, dataset_id=dataset_id, trigger="button", params=RunParams()
        ),
    ):
        pass
    assert db["runs"].count == 1


def test_each_channel_sees_only_its_own_runs(db, add_run):
    other = Scope("T1", "C2")
    a = add_run(db, HERE)
    b = add_run(db, other)
    assert [r.id for r in storage.runs_for(db, HERE)] == [a]
    assert storage.latest_run(db, other).id == b
    assert storage.run_for(db, a, HERE).channel_id == "C1"
    assert [s.id for s in storage.all_enabled_schedules(db)] == []
    save = {"created_by": "U1", "weekday": 0, "time": "09:00", "timezone": "UTC"}
    storage.save_schedule(db, other, **save)
    assert storage.schedule_for(db, HERE) is None
    assert not storage.disable_schedule(db, HERE)
    assert storage.schedule_for(db, other).enabled
