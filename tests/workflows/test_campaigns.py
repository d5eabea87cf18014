"""Campaigns end to end on a real SQLite file: a segment's holdout drawn once, then read out
from transactions shared after the start, with every figure checked against the lines."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import storage
from segmentation.load import load_export
from segmentation.sample import sample_export
from storage import Scope
from workflows.appends import AppendQuestion
from workflows.campaign_report import campaign_report
from workflows.campaigns import StartRequest, campaign_list, start_campaign
from workflows.errors import UserError
from workflows.runs import Outcome, Where
from workflows.segmenting import segment_chosen, segment_upload

SCOPE, OTHER = Scope("T1", "C1"), Scope("T1", "C2")
START = dt.date(2011, 9, 1)


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    export, _ = sample_export(rows=60_000, seed=5)
    return export


def csv(part: pd.DataFrame) -> bytes:
    dates = part["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M")
    return part.assign(InvoiceDate=dates).to_csv(index=False).encode()


def where(tmp_path: Path, scope: Scope = SCOPE) -> Where:
    return Where(scope=scope, user_id="U1", db_path=tmp_path / "segbot.db", data_dir=tmp_path / "d")


def segmented_channel(w: Where, lines: pd.DataFrame) -> tuple[Where, Outcome]:
    """A channel whose data end before the start, segmented: its first run."""
    outcome = segment_upload(
        w, load_export(csv(lines[lines.InvoiceDate < "2011-09-01"]), name="a.csv")
    )
    assert isinstance(outcome, Outcome)
    return w, outcome


@pytest.fixture
def channel(tmp_path, lines):
    return segmented_channel(where(tmp_path), lines)


@pytest.fixture(scope="module")
def untouched(tmp_path_factory, lines):
    """One channel for the bad-input cases: none of them stores anything."""
    return segmented_channel(where(tmp_path_factory.mktemp("bad")), lines)


def biggest_segment(outcome: Outcome):
    return max(outcome.summary.segments, key=lambda s: s.customers)


def request(outcome: Outcome, **changes) -> StartRequest:
    values = dict(name="winback", segment=str(biggest_segment(outcome).id), start=START, seed=7)
    return StartRequest(**(values | changes))


def test_the_draw_is_stratified_stored_once_and_the_same_for_a_seed(channel, tmp_path):
    w, outcome = channel
    started = start_campaign(w, request(outcome))
    c = started.campaign
    segment = biggest_segment(outcome)
    assert (c.members, c.segment, c.segment_name, c.start) == (
        segment.customers, segment.id, segment.name, "2011-09-01",
    )  # fmt: skip
    assert c.held_out == round(c.members * 0.1) and c.treated + c.held_out == c.members
    with storage.connect(w.db_path) as db:
        members = storage.campaign_members(db, c.id, SCOPE)
        customers = storage.assignments_for(db, outcome.run_id, SCOPE)
    assert set(members.customer_id) == set(customers.index[customers.segment == segment.id])
    # Every lifecycle state holds out its tenth, to within one customer.
    for _, group in members.groupby("lifecycle"):
        assert abs(group.holdout.sum() - len(group) * 0.1) <= 1
    csv_rows = pd.read_csv(started.members_csv, dtype={"customer_id": str})
    assert csv_rows.is_holdout.sum() == c.held_out and len(csv_rows) == c.members
    assert "With " in started.power and f"{c.window_days} days" in started.power
    # Another campaign with the same seed draws the same holdout.
    again = start_campaign(w, request(outcome, name="winback 2"))
    with storage.connect(w.db_path) as db:
        second = storage.campaign_members(db, again.campaign.id, SCOPE)
    assert (second.holdout.to_numpy() == members.holdout.to_numpy()).all()


def fair_figures(lines: pd.DataFrame, members: pd.DataFrame, days: int) -> pd.DataFrame:
    """The oracle: per member, orders and net revenue within the window, from the lines."""
    start = pd.Timestamp(START)
    inside = lines[
        (lines.InvoiceDate >= start) & (lines.InvoiceDate < start + pd.Timedelta(days=days))
    ]
    inside = inside.assign(customer_id=inside.CustomerID.astype("Int64").astype(str))
    amount = inside.Quantity * inside.UnitPrice
    returned = inside.InvoiceNo.astype(str).str.startswith("C") | (inside.Quantity < 0)
    kept = ~returned & (inside.Quantity > 0) & (inside.UnitPrice > 0)
    inside = inside.assign(net=np.where(kept, amount, np.where(returned, -amount.abs(), 0.0)))
    orders = inside[kept].groupby("customer_id").InvoiceNo.nunique()
    revenue = inside.groupby("customer_id").net.sum()
    frame = members.set_index("customer_id")
    return frame.assign(
        orders=orders.reindex(frame.index).fillna(0), revenue=revenue.reindex(frame.index).fillna(0)
    )


def add_later_lines(w: Where, later: pd.DataFrame) -> None:
    asked = segment_upload(w, load_export(csv(later), name="b.csv"))
    assert isinstance(asked, AppendQuestion)
    segment_chosen(w, asked.append_id, "add")


def test_the_read_out_counts_only_members_purchases_inside_the_window(channel, lines):
    w, outcome = channel
    c = start_campaign(w, request(outcome, days=60)).campaign
    with pytest.raises(UserError, match="Nothing to read yet.*window ends on 30 Oct 2011"):
        campaign_report(w, "winback")
    with storage.connect(w.db_path) as db:
        members = storage.campaign_members(db, c.id, SCOPE)
    # Plant an effect: a third of the treated buy once more on the fifth day.
    later = lines[lines.InvoiceDate >= "2011-09-01"]
    treated = members[~members.holdout].customer_id.to_numpy()[::3]
    extra = pd.DataFrame({
        "InvoiceNo": [str(900000 + i) for i in range(len(treated))], "StockCode": "X1",
        "Description": "VOUCHER ORDER", "Quantity": 2, "InvoiceDate": pd.Timestamp("2011-09-05 10:00"),
        "UnitPrice": 25.0, "CustomerID": treated.astype(float), "Country": "United Kingdom",
    })  # fmt: skip
    later = pd.concat([later, extra], ignore_index=True)
    add_later_lines(w, later)
    report = campaign_report(w, "winback")
    oracle = fair_figures(pd.concat([lines, extra]), members, 60)
    for group, held in (("treated", False), ("holdout", True)):
        expected = oracle[oracle.holdout == held]
        found = getattr(report, group)
        assert found.customers == len(expected)
        assert found.converted == int((expected.orders > 0).sum())
        assert found.revenue_per_customer == pytest.approx(expected.revenue.mean())
        assert found.orders_per_customer == pytest.approx(expected.orders.mean())
    diff = report.treated.rate - report.holdout.rate
    assert report.lift["absolute"] == pytest.approx(diff)
    assert report.lift["ci_low"] > 0 and report.verdict.startswith("The campaign caused +")
    assert report.revenue_lift["total"] == pytest.approx(
        (report.treated.revenue_per_customer - report.holdout.revenue_per_customer) * c.treated
    )
    assert report.window_ends == dt.date(2011, 10, 30)
    listed = campaign_list(w)
    assert [x.name for x in listed] == ["winback"] and listed[0].report["verdict"] == report.verdict


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"name": ""}, "Give the campaign a name"),
        ({"name": "*big* win"}, "plain words"),
        ({"segment": ""}, "Say which segment"),
        ({"segment": "99"}, "has no segment “99”"),
        ({"state": ""}, "The state is empty"),
        ({"state": "sleepy"}, "not a lifecycle state"),
        ({"holdout": 0.0}, "more than 0 %"),
        ({"holdout": 1.0}, "less than 100 %"),
        ({"holdout": 0.001}, "each group needs at least 20"),
        ({"days": 0}, "1 to 365"),
    ],
)
def test_bad_input_is_one_sentence_and_stores_nothing(untouched, changes, said):
    w, outcome = untouched
    with pytest.raises(UserError, match=said) as raised:
        start_campaign(w, request(outcome, **changes))
    assert "\n" not in str(raised.value) and str(raised.value).endswith(".")
    assert campaign_list(w) == []


def test_a_name_taken_a_run_of_another_channel_and_two_starts_at_once(channel, tmp_path):
    w, outcome = channel
    other = where(tmp_path, OTHER)
    with pytest.raises(UserError, match="not one of this channel's finished runs"):
        start_campaign(other, request(outcome, run_id=outcome.run_id))
    results: list[object] = []

    def start() -> None:
        try:
            results.append(start_campaign(w, request(outcome)))
        except UserError as exc:
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(r).__name__ for r in results) == ["Started", "UserError"]
    assert "exists already" in str(next(r for r in results if isinstance(r, UserError)))
    assert len(campaign_list(w)) == 1 and campaign_list(other) == []
    with pytest.raises(UserError, match="no campaign called"):
        campaign_report(other, "winback")


def test_the_digest_carries_a_line_per_open_campaign(channel, lines):
    from bot.render.digest import digest_blocks
    from workflows.digest.refresh import RefreshRequest, refresh

    w, outcome = channel
    start_campaign(w, request(outcome, name="autumn (UK)"))

    def digest(on: dt.date):
        return refresh(
            RefreshRequest(
                db_path=w.db_path, data_dir=w.data_dir, scope=SCOPE, as_of=on, trigger="command"
            )
        )

    made = digest(dt.date(2011, 9, 10))
    assert made.campaigns == (
        (
            "autumn (UK)",
            "Nothing to read yet: the data end before the campaign's start on 1 Sep 2011, and "
            "its window ends on 30 Sep 2011.",
        ),
    )
    shown = json.dumps(digest_blocks(made))
    assert "*Campaigns*" in shown and "`autumn (UK)`: Nothing to read yet" in shown
    # Still unread on a later digest; once data cover its whole window, read out for the last time.
    assert digest(dt.date(2011, 10, 1)).campaigns == made.campaigns
    add_later_lines(w, lines[lines.InvoiceDate >= "2011-09-01"])
    (last,) = digest(dt.date(2011, 12, 12)).campaigns
    assert last[1].startswith("No effect can be seen: ") and "the window ended on 30 Sep" in last[1]
    assert digest(dt.date(2011, 12, 19)).campaigns == ()


def test_a_campaign_on_a_connected_source_is_read_where_the_data_live(tmp_path, lines):
    from segmentation.summary import RunParams
    from sources import Catalog, Source
    from workflows.bindings import source_row
    from workflows.segmenting import segment_bound_source

    path = tmp_path / "sales.parquet"
    lines[lines.InvoiceDate < "2011-09-01"].to_parquet(path)
    source = Source(name="shop", kind="files", description="d", path=str(path))
    w = where(tmp_path)
    with storage.connect(w.db_path) as db:
        storage.bind_source(db, SCOPE, "shop", user_id="U1")
        dataset = source_row(db, SCOPE, source, "U1")
    outcome = segment_bound_source(w, dataset.id, source, RunParams(), trigger="command")
    c = start_campaign(w, request(outcome)).campaign
    assert c.source == "shop"
    with pytest.raises(UserError, match="Nothing to read yet"):
        campaign_report(w, "winback", catalog=Catalog((source,)))
    lines.to_parquet(path)  # the source has grown
    report = campaign_report(w, "winback", catalog=Catalog((source,)))
    with storage.connect(w.db_path) as db:
        members = storage.campaign_members(db, c.id, SCOPE)
    oracle = fair_figures(lines, members, 30)
    for group, held in (("treated", False), ("holdout", True)):
        expected = oracle[oracle.holdout == held]
        found = getattr(report, group)
        assert found.converted == int((expected.orders > 0).sum())
        assert found.revenue_per_customer == pytest.approx(expected.revenue.mean())
    with pytest.raises(UserError, match="sources file no longer gives it"):
        campaign_report(w, "winback")  # the operator took the source away
    with storage.connect(w.db_path) as db:
        storage.unbind_source(db, SCOPE)
    with pytest.raises(UserError, match="its source changed"):
        campaign_report(w, "winback", catalog=Catalog((source,)))
