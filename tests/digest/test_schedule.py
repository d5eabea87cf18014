"""Schedule parsing, DST-correct slots, catch-up decisions and the digest renderer (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.commands import parse
from bot.digest import blocks, slots
from bot.digest.refresh import Digest, k_for
from bot.digest.schedule_parse import DigestNow, ScheduleOff, SetSchedule, ShowSchedule
from bot.digest.scheduler import trigger_for
from bot.errors import UserError

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
        ("schedule weekly mon 09:00 k=40", "`k=40` won't work"),
        ("digest later", "`/segment digest now`"),
    ],
)
def test_schedule_mistakes_are_explained(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        parse(text)


def test_slots_follow_local_time_across_the_spring_dst_change() -> None:
    # Europe/London moves to BST on Sunday 2030-03-31: Monday 09:00 is 09:00Z, then 08:00Z.
    assert slots.next_slot(0, "09:00", "Europe/London", at("2030-03-20T12:00")) == at(
        "2030-03-25T09:00"
    )
    assert slots.next_slot(0, "09:00", "Europe/London", at("2030-03-25T09:00")) == at(
        "2030-04-01T08:00"
    )
    assert slots.last_slot(0, "09:00", "Europe/London", at("2030-04-01T07:59")) == at(
        "2030-03-25T09:00"
    )
    assert slots.last_slot(0, "09:00", "Europe/London", at("2030-04-01T08:00")) == at(
        "2030-04-01T08:00"
    )
    # Another hemisphere: Sydney leaves daylight saving on Sunday 2030-04-07.
    assert slots.next_slot(6, "18:30", "Australia/Sydney", at("2030-04-05T00:00")) == at(
        "2030-04-07T08:30"
    )
    assert slots.next_slot(6, "18:30", "Australia/Sydney", at("2030-04-08T00:00")) == at(
        "2030-04-14T08:30"
    )


def test_apscheduler_trigger_fires_at_the_same_slots() -> None:
    schedule = {"weekday": 0, "time": "09:00", "timezone": "Europe/London"}
    trigger = trigger_for(schedule)
    now = at("2030-03-01T00:00")
    for _ in range(8):  # through the DST change
        expected = slots.next_slot(0, "09:00", "Europe/London", now)
        fired = trigger.get_next_fire_time(None, now + dt.timedelta(microseconds=1))
        assert fired == expected
        now = expected


def test_catch_up_posts_within_the_grace_and_skips_after() -> None:
    slot, grace, created = at("2030-04-01T08:00"), dt.timedelta(hours=6), at("2030-01-01T00:00")
    decide = lambda now, **kw: slots.catch_up(  # noqa: E731
        slot,
        now,
        grace=grace,
        created_at=kw.get("created", created),
        recorded=kw.get("recorded", False),
    )
    assert decide(at("2030-04-01T13:59")) == "post"
    assert decide(at("2030-04-01T14:00")) == "post"
    assert decide(at("2030-04-01T14:01")) == "skip"
    assert decide(at("2030-04-01T09:00"), recorded=True) == "none"
    assert decide(at("2030-04-01T09:00"), created=at("2030-04-01T08:30")) == "none"
    assert slots.slot_key(slot) == "2030-04-01T08:00:00+00:00"
    assert slots.local_date(at("2030-04-06T23:30"), "Europe/London") == dt.date(2030, 4, 7)


def test_k_mode() -> None:
    assert k_for("keep", {"k": 5}) == 5
    assert k_for("keep", None) is None
    assert k_for("auto", {"k": 5}) is None
    assert k_for("3", {"k": 5}) == 3


def test_digest_blocks_show_change_movement_actions_and_missed_slots() -> None:
    digest = Digest(
        team_id="T",
        channel_id="C",
        run_id=7,
        previous_run_id=6,
        dataset_name="orders.csv",
        as_of="2030-04-01",
        k=2,
        rows=[
            {
                "id": 0,
                "name": "Loyal",
                "customers": 90,
                "before": 100,
                "change": -10,
                "revenue_share": 0.8,
                "was": None,
            },
            {
                "id": 1,
                "name": "Lapsing",
                "customers": 30,
                "before": 18,
                "change": 12,
                "revenue_share": 0.2,
                "was": "Quiet",
            },
        ],  # fmt: skip
        gone=[],
        movement={
            "moved": 12,
            "stayed": 100,
            "new_customers": 2,
            "lost_customers": 0,
            "at_risk_customers": 12,
            "revenue_at_risk": 3456.5,
            "flows": [],
            "largest": [],
        },  # fmt: skip
        flows=["12 customers slipped from Loyal to Lapsing"],
        actions=["*Lapsing* grew by 12. Win-back: …"],
        skipped=["2030-03-25T09:00:00+00:00"],
    )
    text = blocks.digest_text(digest)
    assert "• *Loyal*: 90 customers (▼ 10), 80% of revenue" in text
    assert "• *Lapsing* (was Quiet): 30 customers (▲ 12), 20% of revenue" in text
    rendered = str(blocks.digest_blocks(digest))
    for expected in (
        "12 customers slipped from Loyal to Lapsing",
        "12 customers changed segment, 2 are new.",
        "*Revenue at risk: 3,456.50*",
        "*What to do now*",
        "Missed while I was offline (too late to post): 2030-03-25 09:00 UTC.",
    ):
        assert expected in rendered
    text, thread = blocks.movers_blocks(6, 7, 12)
    assert thread[-1]["elements"][0] == {
        "type": "button",
        "action_id": "digest_export_movers",
        "text": {"type": "plain_text", "text": "Export CSV"},
        "value": "6:7",
    }
