"""Digests on the real UCI export (data ends 2011-12-09): only real change is reported.

Scheduled slots fire in 2030 (see the conftest), long after the data ends: no digest may
make customers "move" because the calendar went on, and the data's age is said plainly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pyarrow as pa

import storage
from segmentation.load import load_export
from tests.bot.digest.reading import repeated, words
from tests.bot.scheduling.conftest import AFTER_DST, BEFORE_DST, World, with_orders
from workflows.digest.history import SIZES_CHART, size_history

NEXT_WEEK = AFTER_DST + dt.timedelta(days=7)
BOUGHT_AGAIN = ("12347", "12748", "17841")  # existing customers with one more order…
NEWCOMER = "99999"  # …and one customer never seen before, all on 2011-12-20


def test_digests_without_new_data_say_so_and_move_nobody(real_world: World) -> None:
    world = real_world
    assert world.scheduler(BEFORE_DST).fire(world.schedule.id) == "sent"
    assert world.scheduler(AFTER_DST).fire(world.schedule.id) == "sent"
    first, second = world.digests()
    for digest, date in ((first, dt.date(2030, 3, 25)), (second, dt.date(2030, 4, 1))):
        said = words(digest)
        assert "*Nothing new:* no transactions have arrived since run #1; the newest is still " "from 2011-12-09." in said  # fmt: skip
        assert "`/segment source`" in said
        years = round((date - dt.date(2011, 12, 9)).days / 365.25)
        assert f"The newest transaction is from 9 Dec 2011, about {years} years before this digest." in said  # fmt: skip
        assert "recency measured to 2011-12-10, the day after the newest transaction" in said
        for fake in ("moved", "changed segment", "Revenue at risk", "Movement", "by hand"):
            assert fake not in said
        assert repeated(digest) == []
        assert world.thread(digest) == []  # no migration chart, no one-point chart, no button
    # Nothing was re-clustered: the upload's run stands, and is the one the digests reported.
    with storage.connect(world.db_path) as db:
        runs = storage.runs_for(db, world.scope)
        upload = storage.run_for(db, runs[0].id, world.scope)
        assert [r.trigger for r in runs] == ["upload"]
        assert storage.digested_run(db, world.scope).id == upload.id
    assert upload.summary.k_kept_from is None and not upload.summary.k_forced
    assert f"k = {upload.k}, chosen by segbot from the elbow and silhouette" in words(second)
    for segment in upload.summary.segments:  # the standing segments, as uploaded
        assert f"*{segment.name}*: {segment.customers:,} customers, " in words(second)


def test_a_digest_after_new_transactions_names_exactly_the_customers_who_changed(
    real_world: World, real_path
) -> None:
    world = real_world
    assert world.scheduler(BEFORE_DST).fire(world.schedule.id) == "sent"  # nothing new yet
    export = load_export(real_path)
    upload_run = world.upload(*_with_new_orders(export))
    assert world.scheduler(AFTER_DST).fire(world.schedule.id) == "sent"
    digest = world.digests()[-1]
    said = words(digest)
    ids = ", ".join(f"`{c}`" for c in BOUGHT_AGAIN)
    assert f"3 customers bought or returned something since run #1 ({ids})." in said
    assert f"1 customer appears for the first time (`{NEWCOMER}`)." in said
    assert "The newest transaction is now from 2011-12-20 (it was 2011-12-09)." in said
    assert "no longer in the data" not in said and "Nothing new" not in said
    assert f"kept from the previous run (#{upload_run})" in said and "by hand" not in said
    assert repeated(digest) == []
    with storage.connect(world.db_path) as db:
        latest = storage.latest_run(db, world.scope)
        first = storage.run_for(db, 1, world.scope)
        before = storage.customer_data(storage.assignments_for(db, 1, world.scope), first.as_of)
        now = storage.customer_data(
            storage.assignments_for(db, latest.id, world.scope), latest.as_of
        )
        history, _ = size_history(db, world.scope)
    # The stored runs agree customer by customer: exactly these changed, everyone else is equal.
    both = before.index.intersection(now.index)
    differs = both[(before.loc[both] != now.loc[both]).any(axis=1).to_numpy()]
    assert tuple(differs) == BOUGHT_AGAIN
    assert list(now.index.difference(before.index)) == [NEWCOMER]
    assert latest.params.k == first.k and latest.summary.k_kept_from == upload_run
    assert "by hand" not in latest.summary.k_reason
    assert latest.as_of == "2011-12-21"
    # The movers' button is there exactly when the digest says someone moved.
    moved = latest_moved(world, digest)
    thread = world.thread(digest)
    assert ("digest_export_movers" in str(thread)) == (moved > 0)
    # Sizes over time: one point per data, labelled by its newest transaction.
    assert list(history.index) == ["2011-12-09", "2011-12-20"]
    assert SIZES_CHART in [f["name"] for m in thread for f in m.get("files", [])]
    # A week later nothing arrived: the one line, with the new newest date; no new point.
    assert world.scheduler(NEXT_WEEK).fire(world.schedule.id) == "sent"
    quiet = words(world.digests()[-1])
    assert f"since run #{latest.id}; the newest is still from 2011-12-20." in quiet
    with storage.connect(world.db_path) as db:
        assert list(size_history(db, world.scope)[0].index) == ["2011-12-09", "2011-12-20"]
        assert storage.latest_run(db, world.scope).id == latest.id  # not re-clustered


def latest_moved(world: World, digest: dict) -> int:
    """How many customers the digest's notification says moved."""
    found = re.search(r"(\d[\d,]*) customers? moved since run #", digest["text"])
    assert found, digest["text"]
    return int(found.group(1).replace(",", ""))


def _with_new_orders(export) -> tuple:
    """The real export plus one order on 2011-12-20 for each of ``BOUGHT_AGAIN`` and the
    ``NEWCOMER``: the export and its (distinct) bytes."""
    t = export.transactions
    extra = pd.DataFrame(
        {
            "customer_id": [*BOUGHT_AGAIN, NEWCOMER],
            "invoice": [f"59000{n}" for n in range(4)],
            "timestamp": pd.Timestamp("2011-12-20 10:00"),
            "product": "85123A",
            "quantity": 2.0,
            "price": 2.55,
            "amount": 5.1,
            "country": "United Kingdom",
        }
    )
    for column in ("customer_id", "invoice", "product", "country"):
        extra[column] = extra[column].astype("category")
    grown = pd.concat([t, extra], ignore_index=True)
    for column in ("customer_id", "invoice", "product", "country"):
        grown[column] = grown[column].astype("category")
    table = pa.Table.from_pandas(grown, preserve_index=False)
    changed = dataclasses.replace(export, table=table, rows_read=export.rows_read + 4)
    return changed, b"real export + 4 lines"


def test_synthetic_digests_say_each_sentence_once(world: World, sample_csv_bytes: bytes) -> None:
    assert world.scheduler(BEFORE_DST).fire(world.schedule.id) == "sent"
    customers = ["12001", "12004", "12094"]
    grown = with_orders(sample_csv_bytes, customers)
    world.upload(load_export(grown, name="orders.csv"), grown)
    assert world.scheduler(AFTER_DST).fire(world.schedule.id) == "sent"
    assert world.scheduler(NEXT_WEEK).fire(world.schedule.id) == "sent"
    quiet, changed, quiet_again = world.digests()
    for digest in (quiet, changed, quiet_again):
        assert repeated(digest) == []
    said = words(changed)
    listed = ", ".join(f"`{c}`" for c in customers)
    assert f"3 customers bought or returned something since run #1 ({listed})." in said
    assert "Nothing new" in words(quiet) and "Nothing new" in words(quiet_again)
    assert "Nothing new" not in said and "by hand" not in said
