"""Schedule parsing, DST-correct slots, the scheduler's trigger and catch-up decisions (pure)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.requests import parse
from bot.schedule_requests import DigestNow, ScheduleOff, SetSchedule, ShowSchedule
from bot.scheduling.scheduler import DigestScheduler, job_id
from segmentation.summary import RunParams
from storage import Schedule, Scope
from workflows.digest import slots
from workflows.digest.refresh import RefreshRequest, k_for, run_params

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("schedule", ShowSchedule()),
        ("schedule off", ScheduleOff()),
        ("digest now", DigestNow()),
        ("schedule weekly mon 09:00", SetSchedule(0, "09:00")),
        (
            "schedule weekly Friday 7:30 america/new_york",
            SetSchedule(4, "07:30", "America/New_York"),
        ),
        ("schedule weekly sun 23:59 UTC k=auto", SetSchedule(6, "23:59", "UTC", "auto")),
        ("schedule weekly tue 08:15 k=4", SetSchedule(1, "08:15", None, "4")),
    ],
)
def test_parse_schedule_commands(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schedule weekly someday 09:00", "is not a day of the week"),
        ("schedule weekly t 09:00", "is not a day of the week"),
        ("schedule weekly mon 25:00", "is not a time"),
        ("schedule weekly mon 09:00 London", "Use an Area/City name such as Europe/London"),
        ("schedule weekly mon", "Tell me a day and a time"),
        ("schedule daily 09:00", "I don't understand `schedule daily 09:00`"),
        (
            "schedule weekly mon 09:00 k=40",
            "`k=40` won't work: use `k=auto`, `k=keep` or a number from 2 to 10",
        ),
        ("digest later", "`/segment digest now`"),
    ],
)
def test_schedule_mistakes_are_explained(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        parse(text)


def test_slots_follow_local_time_across_the_spring_dst_change() -> None:
    # Europe/London moves to BST on Sunday 2030-03-31: Monday 09:00 is 09:00Z, then 08:00Z.
    london = (0, "09:00", "Europe/London")
    assert slots.next_slot(*london, at("2030-03-20T12:00")) == at("2030-03-25T09:00")
    assert slots.next_slot(*london, at("2030-03-25T09:00")) == at("2030-04-01T08:00")
    assert slots.last_slot(*london, at("2030-04-01T07:59")) == at("2030-03-25T09:00")
    assert slots.last_slot(*london, at("2030-04-01T08:00")) == at("2030-04-01T08:00")
    # Another hemisphere: Sydney leaves daylight saving on Sunday 2030-04-07.
    sydney = (6, "18:30", "Australia/Sydney")
    assert slots.next_slot(*sydney, at("2030-04-05T00:00")) == at("2030-04-07T08:30")
    assert slots.next_slot(*sydney, at("2030-04-08T00:00")) == at("2030-04-14T08:30")
    assert slots.next_slot(*london, at("2030-03-20T12:00")).tzinfo == UTC


def test_the_scheduler_fires_its_jobs_at_the_slots(tmp_path: Path) -> None:
    schedule = Schedule(
        id=7, team_id="T", channel_id="C", created_by="U", weekday=0, time="09:00",
        timezone="Europe/London", k_mode="keep", enabled=True, created_at="2030-01-01T00:00:00",
    )  # fmt: skip
    scheduler = DigestScheduler(db_path=tmp_path / "db", data_dir=tmp_path, client=None)  # type: ignore[arg-type]
    scheduler.sync(schedule)
    trigger = scheduler._aps.get_job(job_id(7)).trigger
    now = at("2030-03-01T00:00")
    for _ in range(8):  # through the DST change
        expected = slots.next_slot(0, "09:00", "Europe/London", now)
        assert trigger.get_next_fire_time(None, now + dt.timedelta(seconds=1)) == expected
        now = expected
    scheduler.sync(Schedule(**{**vars(schedule), "enabled": False}))
    assert scheduler._aps.get_job(job_id(7)) is None


def test_catch_up_posts_within_the_grace_and_skips_after() -> None:
    slot, grace, created = at("2030-04-01T08:00"), dt.timedelta(hours=6), at("2030-01-01T00:00")

    def decide(now: dt.datetime, *, created: dt.datetime = created, recorded: bool = False) -> str:
        return slots.catch_up(slot, now, grace=grace, created_at=created, recorded=recorded)

    assert decide(at("2030-04-01T13:59")) == "post"
    assert decide(at("2030-04-01T14:00")) == "post"
    assert decide(at("2030-04-01T14:01")) == "skip"
    assert decide(at("2030-04-01T09:00"), recorded=True) == "none"
    assert decide(at("2030-04-01T09:00"), created=at("2030-04-01T08:30")) == "none"
    assert slots.slot_key(slot) == "2030-04-01T08:00:00+00:00"
    assert slots.local_date(at("2030-04-06T23:30"), "Europe/London") == dt.date(2030, 4, 7)


def test_k_mode() -> None:
    assert k_for("keep", 5) == 5
    assert k_for("keep", None) is None
    assert k_for("auto", 5) is None
    assert k_for("3", 5) == 3


def test_recency_is_measured_to_the_digest_date_only_for_a_live_channel(tmp_path) -> None:
    request = RefreshRequest(
        db_path=tmp_path / "segbot.db", data_dir=tmp_path, scope=Scope("T", "C"),
        as_of=dt.date(2030, 4, 1),
    )  # fmt: skip
    assert run_params(request, None) == RunParams(k=None, as_of=None, random_state=0)
    live = dataclasses.replace(request, live=True, k_mode="4")
    assert run_params(live, None) == RunParams(k=4, as_of=dt.date(2030, 4, 1), random_state=0)
