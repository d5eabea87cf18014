"""Digest schedules per channel and one post per slot."""

from __future__ import annotations

import datetime as dt

import pytest

import storage


def save(db, channel_id="C1", **changes) -> int:
    fields = {
        "team_id": "T1",
        "channel_id": channel_id,
        "created_by": "U1",
        "weekday": 0,
        "time": "09:00",
        "timezone": "Europe/London",
    }
    return storage.save_schedule(db, **{**fields, **changes})


def test_one_schedule_per_channel_edited_in_place(db):
    first = save(db)
    assert save(db, weekday=4, time="16:30", k_mode="5") == first
    schedule = storage.schedule_for(db, "T1", "C1")
    assert (schedule["weekday"], schedule["time"], schedule["k_mode"], schedule["enabled"]) == (
        4,
        "16:30",
        "5",
        1,
    )
    assert storage.schedule_for(db, "T1", "C2") is None


def test_disabled_schedules_are_not_listed(db):
    a, b = save(db, "C1"), save(db, "C2")
    assert storage.disable_schedule(db, "T1", "C1")
    assert not storage.disable_schedule(db, "T1", "C1")
    assert [s["id"] for s in storage.all_enabled_schedules(db)] == [b]
    assert save(db, "C1") == a  # saving again turns it back on
    assert len(storage.all_enabled_schedules(db)) == 2


def test_bad_time_is_refused(db):
    with pytest.raises(Exception, match="CHECK"):
        save(db, time="9am")


def test_a_slot_posts_once_and_a_failed_one_is_retried_a_few_times(db):
    schedule_id = save(db)
    slot = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    assert storage.claim_digest_slot(db, schedule_id, slot)
    assert not storage.claim_digest_slot(db, schedule_id, "2024-01-01T09:00:00+00:00")
    storage.mark_digest(db, schedule_id, slot, "failed", error="channel_not_found")
    assert storage.claim_digest_slot(db, schedule_id, slot)  # attempt 2
    storage.mark_digest(db, schedule_id, slot, "failed", error="ratelimited")
    assert storage.claim_digest_slot(db, schedule_id, slot)  # attempt 3
    storage.mark_digest(db, schedule_id, slot, "failed", error="ratelimited")
    assert not storage.claim_digest_slot(db, schedule_id, slot)

    other = "2024-01-08T09:00:00+00:00"
    assert storage.claim_digest_slot(db, schedule_id, other)
    storage.mark_digest(db, schedule_id, other, "sent", message_ts="1704704400.000100")
    assert not storage.claim_digest_slot(db, schedule_id, other)
    post = next(db.query("SELECT * FROM digest_posts WHERE slot_time = ?", (other,)))
    assert (post["status"], post["attempts"], post["message_ts"]) == (
        "sent",
        1,
        "1704704400.000100",
    )
    with pytest.raises(ValueError):
        storage.mark_digest(db, schedule_id, other, "done")
