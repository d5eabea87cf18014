"""The digest message, its thread button and the schedule replies (pure renderers)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

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
from workflows.digest.compare import DataChange, Digest, SegmentRow

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
        date=dt.date(2030, 4, 1), as_of=dt.date(2030, 3, 12), newest=dt.date(2030, 3, 11),
        k=2, k_phrase="k = 2, kept from the previous run (#6)",
        stability="Stable: refits agree.", rows=ROWS, movement=MOVEMENT,
        data_change=DataChange(
            changed=("12346", "12347"), new=("99999",), gone=(), newest_before=dt.date(2030, 3, 4)
        ),
        moved_with_new_data=1,
        flows=("12 customers slipped from Loyal to Lapsing",),
        actions=(("*Lapsing* grew by 12", "Win-back: an offer on *FREE* <!here>"),), skipped=("2030-03-25T09:00:00+00:00",),
        charts={"segment-migration.png": b""},
    )  # fmt: skip
    return Digest(**(fields | changes))


def test_digest_shows_change_movement_actions_and_missed_slots() -> None:
    text = render.digest_text(digest())
    assert (
        text
        == "Weekly digest for `orders.csv` (2030-04-01): 2 segments, 12 customers moved since run #6."
    )
    rendered = str(render.digest_blocks(digest()))
    for expected in (
        "Weekly segment digest",
        "`orders.csv`, run #7: k = 2, kept from the previous run (#6); recency measured to "
        "2030-03-12, the day after the newest transaction. Stable: refits agree.",
        "• *Loyal*: 90 customers (▼ 10), 80% of revenue",
        "• *Lapsing* (was Quiet): 30 customers (▲ 12), 20% of revenue",
        "• 2 customers bought or returned something since run #6 (`12346`, `12347`).",
        "• 1 customer appears for the first time (`99999`).",
        "• The newest transaction is now from 2030-03-11 (it was 2030-03-04).",
        "• 12 customers slipped from Loyal to Lapsing",
        "• 12 customers changed segment in all: 1 of them bought or returned something, the "
        "others moved because the segments were fitted again on the new data, with recency now "
        "measured to 2030-03-12.",
        "*Revenue at risk: 3,456.50*, the historic spend of 12 customers",
        "*What to do now*",
        "• *Lapsing* grew by 12. Win-back: an offer on \u2217FREE\u2217 &lt;!here&gt;",
        "Missed while I was offline (too late to post): 2030-03-25 09:00 UTC.",
        "Charts and the movers' CSV are in the thread.",
    ):
        assert expected in rendered
    assert "newest transaction is from" not in rendered  # 21 days old: not stale
    assert "by hand" not in rendered and "Nothing new" not in rendered


def test_a_digest_on_old_data_says_how_old() -> None:
    old = digest(newest=dt.date(2011, 12, 9), as_of=dt.date(2011, 12, 10))
    assert render.staleness(old) == (
        "The newest transaction is from 9 Dec 2011, about 18 years before this digest."
    )
    weeks = digest(newest=dt.date(2030, 2, 20))
    assert render.staleness(weeks) == (
        "The newest transaction is from 20 Feb 2030, 40 days before this digest."
    )
    months = digest(newest=dt.date(2029, 9, 1))
    assert "about 7 months before" in render.staleness(months)
    assert render.staleness(digest(newest=dt.date(2030, 3, 4))) == ""  # 28 days: not yet


def test_nothing_new_is_one_line_and_the_standing_segments() -> None:
    quiet = digest(
        nothing_new=True, movement=None, data_change=None, flows=(), actions=(), skipped=(),
        charts={}, newest=dt.date(2011, 12, 9), as_of=dt.date(2011, 12, 10),
    )  # fmt: skip
    blocks = render.digest_blocks(quiet)
    assert blocks[1]["text"]["text"] == (
        "*Nothing new:* no transactions have arrived since run #6; the newest is still from "
        "2011-12-09. Connect a source with `/segment source` and each digest will read the "
        "latest data."
    )
    rendered = str(blocks)
    assert "• *Loyal*: 90 customers, 80% of revenue" in rendered  # no change shown
    for absent in ("Movement", "moved", "What to do", "in the thread", "▼"):
        assert absent not in rendered
    assert render.digest_text(quiet) == (
        "Weekly digest for `orders.csv` (2030-04-01): no new data, the 2 segments stand as they were."
    )
    live = render.nothing_new_line(dataclasses.replace(quiet, live=True))
    assert (
        live
        == "*Nothing new:* the source has had no new transactions since run #6; the newest is still from 2011-12-09."
    )


def test_first_digest_and_a_quiet_week() -> None:
    first = digest(
        previous_run_id=None, movement=None, data_change=None, flows=(), actions=(), skipped=(),
        charts={},
    )  # fmt: skip
    assert "first digest" in render.digest_text(first)
    rendered = str(render.digest_blocks(first))
    assert "nothing to compare yet" in rendered and "Missed while" not in rendered
    assert "(new)" not in rendered and "in the thread" not in rendered
    quiet = digest(flows=(), charts={}, movement=Movement(
        flows=pd.DataFrame(), moved=0, stayed=120, new_customers=0, lost_customers=3,
        at_risk_customers=0, revenue_at_risk=0.0,
    ))  # fmt: skip
    rendered = str(render.digest_blocks(quiet))
    assert "• Nobody changed segment." in rendered
    assert "changed segment in all" not in rendered and "in the thread" not in rendered
    assert "• No customers slipped into a lapsing segment." in rendered
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
    assert text == "Export the 12 customers who changed segment since run #6."
    assert blocks[-1]["elements"][0] == {
        "type": "button",
        "action_id": "digest_export_movers",
        "text": {"type": "plain_text", "text": "Export CSV"},
        "value": "6:7",
    }


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


def test_a_digest_after_replace_says_so_and_compares_nothing() -> None:
    replaced = digest(
        replaced="shop <a>.csv", previous_run_id=None, movement=None, data_change=None,
        flows=(), actions=(), charts={},
    )  # fmt: skip
    assert render.digest_text(replaced) == (
        "Weekly digest for `orders.csv` (2030-04-01): 2 segments; the data were replaced since "
        "the last digest."
    )
    blocks = render.digest_blocks(replaced)
    said = str(blocks)
    assert (
        "This channel's data were replaced since the last digest (`shop &lt;a&gt;.csv` by "
        "`orders.csv`), so nothing is compared with before: its history starts here."
    ) in said
    assert "What changed in the data" not in said and "Movement since" not in said
    assert "first run in this channel" not in said
