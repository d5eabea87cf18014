"""A channel segmented from a connected PostgreSQL source, end to end.

Real parts only: a PostgreSQL server (``tests/postgres.py``) whose ``public.sales`` holds real
UCI lines, the sources file read by ``sources.load_catalog``, the real Bolt app behind a
threaded server getting signed requests from the local fake Slack, the worker process, and a
real SQLite file. The schedule's slots are fired through the bot's own scheduler with its
clock moved to the slot.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import storage
from bot.app import Bot, create_bot
from bot.http import serve_in_thread
from bot.jobs.queue import JobQueue
from localslack import LocalSlack
from sources import load_catalog
from storage import Scope
from tests.bot.conftest import settings_for
from tests.bot.helpers import say, thread_texts, wait_results
from tests.postgres import SALES_COLUMNS, PostgresServer, load_sales

LINES = 10_000
DATABASE = "bot_shop"
WRONG_PASSWORD = "not-the-Password-41"


@dataclass
class Shop:
    """The bot, its channel and user, the Postgres server and the lines in ``public.sales``."""

    slack: LocalSlack
    bot: Bot
    db_path: Path
    channel: str
    user: str
    server: PostgresServer
    lines: pd.DataFrame

    @property
    def scope(self) -> Scope:
        return Scope(self.slack.team_id, self.channel)

    def say(self, text: str) -> str:
        return say(self.slack, text, channel=self.channel, user=self.user, timeout=30)

    def add_lines(self, rows: list[tuple]) -> None:
        with self.server.connect(DATABASE) as con, con.cursor() as cursor:
            cursor.executemany(
                f"insert into public.sales ({', '.join(SALES_COLUMNS.values())}) "
                "values (%s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

    def latest_run(self):
        with storage.connect(self.db_path) as db:
            return storage.latest_run(db, self.scope)


def _sources_file(folder: Path, server: PostgresServer, channel: str) -> Path:
    """Three sources: ``shop`` for this channel, ``locked`` for another, ``broken`` whose
    password variable holds a wrong password."""
    url = server.url(DATABASE)
    columns = (
        'customer = "customer_id"\ndate = "invoice_date"\ninvoice = "invoice_no"\n'
        'product = "stock_code"\nquantity = "quantity"\nprice = "unit_price"\n'
    )
    text = ""
    for name, env, channels in (
        ("shop", "SHOP_PASSWORD", [channel]),
        ("locked", "SHOP_PASSWORD", ["C0THERS00"]),
        ("broken", "BROKEN_PASSWORD", []),
    ):
        text += (
            f'[sources.{name}]\nurl = "{url}"\npassword_env = "{env}"\ntable = "public.sales"\n'
            f"channels = {json.dumps(channels)}\ntimeout_seconds = 60\n"
            f'description = "Shop sales ({name})"\n[sources.{name}.columns]\n{columns}\n'
        )
    path = folder / "segbot-sources.toml"
    path.write_text(text)
    return path


@pytest.fixture
def shop(
    tmp_path: Path, jobs: JobQueue, postgres_server: PostgresServer, real_frame: pd.DataFrame
) -> Iterator[Shop]:
    lines = real_frame.head(LINES).rename(columns=SALES_COLUMNS)
    load_sales(postgres_server, postgres_server.create_database(DATABASE), lines)
    with LocalSlack() as slack:
        user = slack.add_user("ana")
        channel = slack.add_channel("marketing", members=[user])
        path = _sources_file(tmp_path, postgres_server, channel)
        env = {"SHOP_PASSWORD": postgres_server.password, "BROKEN_PASSWORD": WRONG_PASSWORD}
        settings = settings_for(slack, tmp_path, sources_path=path)
        bot = create_bot(settings, jobs=jobs, sources=load_catalog(path, env=env))
        server, thread = serve_in_thread(bot.app)
        slack.app_url = f"http://127.0.0.1:{server.server_port}/slack/events"
        try:
            yield Shop(slack, bot, settings.db_path, channel, user, postgres_server, lines)
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
            bot.close()


def _no_secret_anywhere(shop: Shop) -> None:
    for call in shop.slack.calls():
        sent = json.dumps(call.body, default=str)
        assert shop.server.password not in sent and WRONG_PASSWORD not in sent


def test_choosing_a_source_and_the_plain_refusals(shop: Shop) -> None:
    listed = shop.say("source")
    assert "*Sources this channel may use*" in listed
    assert "• `shop`: Shop sales (shop)" in listed and "• `broken`" in listed
    assert "locked" not in listed
    assert "This channel uses no source" in listed
    assert shop.say("source use nowhere") == (
        "There is no source called 'nowhere': use one of shop, broken."
    )
    assert shop.say("source use locked") == (
        "Source 'locked' is not given to this channel: use one of shop, broken, or ask the "
        "bot's operator to add this channel to its channels."
    )
    assert shop.say("source use SHOP").startswith("This channel now reads `shop` (Shop sales")
    assert "*(in use here)*" in shop.say("source")
    assert shop.say("source off").startswith("This channel no longer reads `shop`.")
    assert "no dataset yet" in shop.say("run")  # no export was ever shared here
    # A source the operator took out of the sources file since the channel chose it.
    with storage.connect(shop.db_path) as db:
        storage.bind_source(db, shop.scope, "vanished", user_id=shop.user)
    gone = "This channel reads source `vanished`, which the bot's sources file no longer gives it"
    assert shop.say("run").startswith(gone)
    assert "`vanished`, which the sources file no longer gives it" in shop.say("source")
    _no_secret_anywhere(shop)


def _digest(shop: Shop, index: int) -> dict:
    digests = [
        m
        for m in shop.slack.messages(shop.channel)
        if m.get("text", "").startswith("Weekly digest")
    ]
    assert len(digests) > index, digests
    return digests[index]


def _fire(shop: Shop, when: dt.datetime) -> str:
    """Fire the channel's schedule with the bot's scheduler clock reading ``when``."""
    scheduler = shop.bot.scheduler
    with storage.connect(shop.db_path) as db:
        schedule = storage.schedule_for(db, shop.scope)
    scheduler.clock = lambda: when
    return scheduler.fire(schedule.id)


def test_run_and_digests_read_the_source(shop: Shop) -> None:
    assert shop.say("source use shop").startswith("This channel now reads `shop`")
    assert shop.slack.send_command("run", channel_id=shop.channel, user_id=shop.user).status == 200
    (results,) = wait_results(shop.slack, shop.channel, timeout=120)
    assert "Segments from source shop" in results["text"]
    first = shop.latest_run()
    today = dt.datetime.now(dt.UTC).date()
    assert first.summary.rows_read == LINES  # the query's own count
    assert 0 < first.summary.rows_kept < LINES
    assert first.as_of[:10] == today.isoformat()  # live data: recency measured to today
    with storage.connect(shop.db_path) as db:
        dataset = storage.dataset_for(db, first.dataset_id, shop.scope)
    assert (dataset.source, dataset.rows_read) == ("shop", LINES)

    assert "every Monday at 09:00" in shop.say("schedule weekly mon 09:00 UTC")
    with storage.connect(shop.db_path) as db:
        schedule = storage.schedule_for(db, shop.scope)
    slot = shop.bot.scheduler.next_slot(schedule)
    buyers = sorted(shop.lines["customer_id"].dropna().astype(int).astype(str).unique())[:3]
    bought = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(10, 30))
    shop.add_lines(
        [(f"9{n}0000", "85123A", "NEW LINE", 2, bought, 3.5, float(c), "United Kingdom")
         for n, c in enumerate(buyers)]
    )  # fmt: skip
    assert _fire(shop, slot + dt.timedelta(minutes=1)) == "sent"
    changed = json.dumps(_digest(shop, 0)["blocks"])
    ids = ", ".join(f"`{c}`" for c in buyers)
    assert f"3 customers bought or returned something since run #{first.id} ({ids})." in changed
    assert shop.latest_run().summary.rows_read == LINES + 3

    assert _fire(shop, slot + dt.timedelta(days=7, minutes=1)) == "sent"
    quiet = json.dumps(_digest(shop, 1)["blocks"])
    assert "*Nothing new:* the source has had no new transactions since run #" in quiet
    assert "bought or returned something" not in quiet
    _no_secret_anywhere(shop)


def test_a_failing_source_says_what_to_fix_and_keeps_the_results(shop: Shop) -> None:
    shop.say("source use shop")
    shop.slack.send_command("run", channel_id=shop.channel, user_id=shop.user)
    wait_results(shop.slack, shop.channel, timeout=120)
    good = shop.latest_run()
    assert "every Monday" in shop.say("schedule weekly mon 09:00 UTC")

    shop.say("source use broken")
    shop.slack.send_command("run", channel_id=shop.channel, user_id=shop.user)
    said = shop.slack.wait_for(
        "chat.update", timeout=120, where=lambda c: "I couldn't segment" in str(c.body)
    )[-1]
    text = said.body["text"]
    assert text.startswith("I couldn't segment `broken`:")
    assert "password" in text.lower() and "BROKEN_PASSWORD" in text
    assert shop.latest_run().id == good.id  # the previous results stand
    with storage.connect(shop.db_path) as db:
        failed = storage.runs_for(db, shop.scope)[0]
    assert failed.status == "failed" and "password" in failed.error.lower()

    with storage.connect(shop.db_path) as db:
        schedule = storage.schedule_for(db, shop.scope)
    slot = shop.bot.scheduler.next_slot(schedule)
    assert _fire(shop, slot + dt.timedelta(minutes=1)) == "failed"
    with storage.connect(shop.db_path) as db:
        post = storage.digest_post(db, schedule.id, slot)
    assert post["status"] == "failed" and "password" in post["error"].lower()
    dm = [c.body["text"] for c in shop.slack.calls("chat.postMessage")
          if str(c.body.get("channel")).startswith("D")]  # fmt: skip
    assert len(dm) == 1 and "I couldn't post the weekly segment digest" in dm[0]
    assert "password" in dm[0].lower()
    assert shop.latest_run().id == good.id
    _no_secret_anywhere(shop)


def test_an_export_shared_beside_a_source_says_what_later_runs_read(
    shop: Shop, sample_csv_bytes: bytes
) -> None:
    assert shop.say("source use shop").startswith("This channel now reads `shop`")
    shared = shop.slack.share_file(
        channel_id=shop.channel, user_id=shop.user, name="small.csv", content=sample_csv_bytes
    )
    wait_results(shop.slack, shop.channel, timeout=120)
    note = "These results are of `small.csv` alone. This channel reads source `shop`"
    deadline = time.monotonic() + 30
    while not any(t.startswith(note) for t in thread_texts(shop.slack, shop.channel, shared["ts"])):
        assert time.monotonic() < deadline, thread_texts(shop.slack, shop.channel, shared["ts"])
        time.sleep(0.05)
    assert shop.latest_run().summary.rows_read == len(sample_csv_bytes.splitlines()) - 1
