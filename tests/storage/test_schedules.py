"""Digest schedules per channel and one post per slot."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

import storage
from storage import Schedule, Scope

from .conftest import HERE


def save(db, scope: Scope = HERE, **changes) -> Schedule:
    fields = {"created_by": "U1", "weekday": 0, "time": "09:00", "timezone": "Europe/London"}
    return storage.save_schedule(db, scope, **{**fields, **changes})


def test_one_schedule_per_channel_edited_in_place(db):
    first = save(db)
    edited = save(db, weekday=4, time="16:30", k_mode="5")
    assert (edited.id, edited.created_at, edited.scope) == (first.id, first.created_at, HERE)
    assert storage.schedule_for(db, HERE) == edited
    assert (edited.weekday, edited.time, edited.k_mode, edited.enabled) == (4, "16:30", "5", True)
    assert storage.schedule_by_id(db, first.id) == edited
    assert storage.schedule_for(db, Scope("T1", "C2")) is None
    assert storage.schedule_by_id(db, first.id + 1) is None


def test_disabled_schedules_are_not_listed(db):
    a, b = save(db), save(db, Scope("T1", "C2"))
    assert storage.disable_schedule(db, HERE)
    assert not storage.disable_schedule(db, HERE)
    assert not storage.schedule_for(db, HERE).enabled
    assert storage.all_enabled_schedules(db) == [b]
    assert save(db).id == a.id  # saving again turns it back on
    assert len(storage.all_enabled_schedules(db)) == 2


def test_bad_time_is_refused(db):
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        save(db, time="9am")


def test_a_slot_posts_once_and_a_failed_one_is_retried_a_few_times(db):
    schedule_id = save(db).id
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
    post = storage.digest_post(db, schedule_id, other)
    assert (post["status"], post["attempts"], post["message_ts"]) == (
        "sent",
        1,
        "1704704400.000100",
    )
    assert storage.digest_post(db, schedule_id, "2024-01-15T09:00:00+00:00") is None
    with pytest.raises(ValueError):
        storage.mark_digest(db, schedule_id, other, "done")
    with pytest.raises(ValueError, match="timezone"):
        storage.claim_digest_slot(db, schedule_id, dt.datetime(2024, 1, 1, 9))


def test_skipped_slots_are_listed_until_one_is_sent(db):
    schedule_id = save(db).id
    for slot, status in (
        ("2024-01-01", "sent"),
        ("2024-01-08", "skipped"),
        ("2024-01-15", "skipped"),
    ):
        assert storage.claim_digest_slot(db, schedule_id, slot)
        storage.mark_digest(db, schedule_id, slot, status)
    assert storage.skipped_since_last_sent(db, schedule_id) == ["2024-01-08", "2024-01-15"]
    assert storage.claim_digest_slot(db, schedule_id, "2024-01-22")
    storage.mark_digest(db, schedule_id, "2024-01-22", "sent")
    assert storage.skipped_since_last_sent(db, schedule_id) == []


def test_slots_left_posting_are_failed_and_reported_once(db):
    schedule = save(db)
    assert storage.claim_digest_slot(db, schedule.id, "2024-01-01")
    assert storage.claim_digest_slot(db, schedule.id, "2024-01-08")
    storage.mark_digest(db, schedule.id, "2024-01-08", "sent")
    [interrupted] = storage.fail_interrupted_digests(db, "segbot restarted")
    assert interrupted == storage.InterruptedDigest(
        schedule_id=schedule.id, slot_time="2024-01-01", channel_id="C1", created_by="U1"
    )
    assert storage.digest_post(db, schedule.id, "2024-01-01")["error"] == "segbot restarted"
    assert storage.fail_interrupted_digests(db, "again") == []
