"""The digest message, its thread button and the schedule replies (pure renderers)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bot.digest.compare import Digest, SegmentRow
from bot.render import digest as render
from bot.render.schedule import (
    every,
    schedule_button,
    schedule_off_text,
    schedule_set_text,
    schedule_text,
    when,
)
from segmentation.movement import Movement
from storage import Schedule, Scope

ROWS = (
    SegmentRow(id=0, name="Loyal", customers=90, before=100, revenue_share=0.8),
    SegmentRow(id=1, name="Lapsing", customers=30, before=18, revenue_share=0.2, was="Quiet"),
)
MOVEMENT = Movement(
    flows=pd.DataFrame(), moved=12, stayed=100, new_customers=2, lost_customers=0,
    at_risk_customers=12, revenue_at_risk=3456.5,
)  # fmt: skip
SCHEDULE = Schedule(
    id=1, team_id="T", channel_id="C", created_by="U", weekday=0, time="09:00",
    timezone="Europe/London", k_mode="keep", enabled=True, created_at="2030-01-01T00:00:00",
)  # fmt: skip


def digest(**changes: object) -> Digest:
    fields: dict = dict(
        scope=Scope("T", "C"), run_id=7, previous_run_id=6, dataset_name="orders.csv",
        as_of=dt.date(2030, 4, 1), k=2, stability="Stable: refits agree.", rows=ROWS,
        movement=MOVEMENT,
        flows=("12 customers slipped from Loyal to Lapsing",),
        actions=("*Lapsing* grew by 12. Win-back: …",), skipped=("2030-03-25T09:00:00+00:00",),
    )  # fmt: skip
    return Digest(**(fields | changes))


def test_digest_shows_change_movement_actions_and_missed_slots() -> None:
    text = render.digest_text(digest())
    assert text.startswith("Weekly digest for `orders.csv` as of 2030-04-01: 2 segments.")
    assert "• *Loyal*: 90 customers (▼ 10), 80% of revenue" in text
    assert "• *Lapsing* (was Quiet): 30 customers (▲ 12), 20% of revenue" in text
    rendered = str(render.digest_blocks(digest()))
    for expected in (
        "Weekly segment digest",
        "`orders.csv` re-segmented as of 2030-04-01, 2 segments (run #7).",
        "• 12 customers slipped from Loyal to Lapsing",
        "• 12 customers changed segment, 2 are new.",
        "*Revenue at risk: 3,456.50*, the historic spend of 12 customers",
        "*What to do now*",
        "Missed while I was offline (too late to post): 2030-03-25 09:00 UTC.",
        "Charts and the movers' CSV are in the thread.",
    ):
        assert expected in rendered


def test_first_digest_and_a_quiet_week() -> None:
    first = digest(previous_run_id=None, movement=None, flows=(), actions=(), skipped=())
    assert "nothing to compare yet" in render.digest_text(first)
    assert "Missed while" not in str(render.digest_blocks(first))
    quiet = digest(flows=(), movement=Movement(
        flows=pd.DataFrame(), moved=0, stayed=120, new_customers=0, lost_customers=3,
        at_risk_customers=0, revenue_at_risk=0.0,
    ))  # fmt: skip
    text = render.digest_text(quiet)
    assert "• Nobody changed segment." in text
    assert "0 customers changed segment, 0 are new, 3 are no longer in the data." in text
    assert "• No customers slipped into a lapsing segment." in text
    assert (
        render.change_text(SegmentRow(id=2, name="New", customers=5, before=None, revenue_share=0))
        == "new"
    )
    assert (
        render.change_text(SegmentRow(id=2, name="Same", customers=5, before=5, revenue_share=0))
        == "no change"
    )


def test_the_movers_button_carries_both_run_ids() -> None:
    text, blocks = render.movers_message(6, 7, 12)
    assert text == "12 customers changed segment since run #6."
    assert blocks[-1]["elements"][0] == {
        "type": "button",
        "action_id": "digest_export_movers",
        "text": {"type": "plain_text", "text": "Export CSV"},
        "value": "6:7",
    }
    assert render.movers_message(None, 7, 0)[0] == "Nothing to export yet: this is the first run."


def test_schedule_replies() -> None:
    nxt = dt.datetime(2030, 4, 1, 8, 0, tzinfo=dt.UTC)
    assert schedule_text(SCHEDULE, nxt) == (
        "The digest is posted here every Monday at 09:00 (Europe/London), keeping the current k. "
        "Next: Mon 01 Apr 2030, 09:00 BST. Turn it off with `/segment schedule off`."
    )
    assert "No weekly digest is scheduled" in schedule_text(None, None)
    assert "with k=4" in schedule_text(Schedule(**{**vars(SCHEDULE), "k_mode": "4"}), nxt)
    assert (
        "every Monday at 09:00 (Europe/London) (your Slack timezone). The first one: Mon 01 Apr"
        in (schedule_set_text(SCHEDULE, nxt, from_profile=True))
    )
    assert "is off" in schedule_off_text(True)
    assert "There was no weekly digest" in schedule_off_text(False)
    assert schedule_button(7) == {
        "type": "button",
        "action_id": "schedule_digest",
        "text": {"type": "plain_text", "text": "Schedule weekly digest"},
        "value": "7",
    }
    failure = render.failure_dm_text("C1", "2030-04-01T08:00:00+00:00", "the channel is archived")
    assert "in <#C1> (due 2030-04-01 08:00 UTC): the channel is archived." in failure


def test_schedules_in_words() -> None:
    friday = Schedule(
        **{**vars(SCHEDULE), "weekday": 4, "time": "16:30", "timezone": "America/New_York"}
    )
    assert every(friday) == "every Friday at 16:30 (America/New_York)"
    assert (
        when(dt.datetime(2030, 4, 1, 8, 0, tzinfo=dt.UTC), "Europe/London")
        == "Mon 01 Apr 2030, 09:00 BST"
    )
