"""Hostile text on every surface a user or an operator can put text on: slash commands (the
command itself, a source, a column mapping, a campaign, a currency), a source's description
in the sources file, a shared file's name (a file that fails and one that segments: the
thread, the results, the App Home) and a CSV's column names.

Each case drives the real bot through the local Slack and asserts the answer the user got
(hostile text shown, never acted on: no mention, no link, no broadcast, cut when long), the
rows stored where something is stored, and that no log record carries the sources file's
password, host or query.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import storage
from bot.app import create_bot
from bot.http import serve_in_thread
from bot.jobs.queue import JobQueue
from localslack import LocalSlack
from sources import load_catalog
from storage import Scope
from tests.bot.conftest import settings_for
from tests.bot.helpers import say, thread_texts, wait_results

HOSTILE = {
    "broadcast": "<!channel> pay now",
    "link": "<https://evil.example/login|Re-authenticate>",
    "formatting": "*bold* _it_ ~gone~ `code`",
    "mentions": "@here <@U0EVIL0001> <#C0EVIL0001> <!subteam^S0EVIL>",
    "long": "Q" * 1000 + "<!here>",
    "formula": '=HYPERLINK("https://evil.example","Click")',
}
# What Slack acts on in mrkdwn: <!…>, <@…>, <#…> and <http…|…> (escaped text has none of them).
ACTIVE = re.compile(r"<(!|@U0EVIL|#C0EVIL|https?:|mailto:)")
PASSWORD = "hostile-Pw-5531"
HOST = "db.internal.example"
QUERY = "select * from secret_schema.orders_2024"


@dataclass
class Bot:
    slack: LocalSlack
    db_path: Path
    channel: str
    user: str

    def say(self, text: str) -> str:
        return say(self.slack, text, channel=self.channel, user=self.user, timeout=60)

    def rows(self, table: str) -> list[dict]:
        with storage.connect(self.db_path) as db:
            return list(db[table].rows) if db[table].exists() else []


@pytest.fixture(scope="module")
def bot(tmp_path_factory, jobs: JobQueue) -> Iterator[Bot]:
    folder = tmp_path_factory.mktemp("hostile")
    sources = folder / "segbot-sources.toml"
    sources.write_text(
        f'[sources.warehouse]\nurl = "postgresql://segbot@{HOST}:5432/shop"\n'
        f'password_env = "WAREHOUSE_PASSWORD"\nquery = "{QUERY}"\n'
        + "".join(
            f"[sources.s-{key}]\npath = '{folder}/none.parquet'\ndescription = {json.dumps(text)}\n"
            for key, text in HOSTILE.items()
        )
    )
    catalog = load_catalog(sources, env={"WAREHOUSE_PASSWORD": PASSWORD})
    with LocalSlack() as slack:
        user = slack.add_user("ana")
        channel = slack.add_channel("marketing", members=[user])
        settings = settings_for(slack, folder, sources_path=sources)
        app = create_bot(settings, jobs=jobs, sources=catalog)
        server, thread = serve_in_thread(app.app)
        slack.app_url = f"http://127.0.0.1:{server.server_port}/slack/events"
        try:
            yield Bot(slack, settings.db_path, channel, user)
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
            app.close()


@pytest.fixture(autouse=True)
def clean_logs(caplog) -> Iterator[None]:
    """No log record of the case names the sources file's password, host or query."""
    caplog.set_level(logging.INFO)
    yield
    logged = caplog.text + json.dumps([r.__dict__ for r in caplog.records], default=str)
    assert PASSWORD not in logged and HOST not in logged and QUERY not in logged


def shown_safely(text: str, hostile: str) -> None:
    """``text`` (what the user was shown) quotes ``hostile`` without Slack acting on it."""
    assert not ACTIVE.search(text), text
    assert len(text) <= 3000
    assert "Q" * 200 not in text  # a long text is cut
    assert "Something went wrong" not in text
    for raw in ("<!channel>", "<!here>", "<https://evil", "<@U0EVIL0001>", "<#C0EVIL0001>"):
        assert raw not in text


def mrkdwn(node: object) -> list[str]:
    """Every mrkdwn text in blocks (Slack acts on links and mentions in those only)."""
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn(item)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") == "mrkdwn" else []
    return own + [
        t for key, value in node.items() if key != "text" or not own for t in mrkdwn(value)
    ]


CASES = [pytest.param(text, id=key) for key, text in HOSTILE.items()]


@pytest.mark.parametrize("hostile", CASES)
def test_an_unknown_command(bot: Bot, hostile: str) -> None:
    answer = bot.say(hostile)
    shown_safely(answer, hostile)
    assert "/segment" in answer
    if "<" in hostile and len(hostile) < 100:
        assert hostile.replace("<", "&lt;").replace(">", "&gt;") in answer  # shown as typed


@pytest.mark.parametrize("hostile", CASES)
def test_a_source_name(bot: Bot, hostile: str) -> None:
    answer = bot.say(f"source use {hostile}")
    shown_safely(answer, hostile)
    assert answer.startswith(("There is no source called ", "I don't understand `source use "))
    assert bot.rows("channel_sources") == []  # nothing bound


@pytest.mark.parametrize("hostile", CASES)
def test_a_column_mapping(bot: Bot, hostile: str) -> None:
    answer = bot.say(f'map customer="{hostile}"')
    shown_safely(answer, hostile)
    assert "&lt;" not in json.dumps(bot.rows("column_mappings"))  # stored as typed, if at all


@pytest.mark.parametrize("hostile", CASES)
def test_a_campaign_name(bot: Bot, hostile: str) -> None:
    answer = bot.say(f"campaign {hostile}")
    shown_safely(answer, hostile)
    assert bot.rows("campaigns") == []


@pytest.mark.parametrize("hostile", CASES)
def test_a_currency(bot: Bot, hostile: str) -> None:
    answer = bot.say(f"currency {hostile}")
    shown_safely(answer, hostile)
    assert bot.rows("channel_settings") == []


@pytest.mark.parametrize("key", list(HOSTILE))
def test_a_source_description(bot: Bot, key: str) -> None:
    listed = bot.say("source")
    line = next(x for x in listed.splitlines() if x.startswith(f"• `s-{key}`"))
    shown_safely(line, HOSTILE[key])
    assert HOST not in listed and QUERY not in listed and "secret_schema" not in listed


@pytest.mark.parametrize("hostile", CASES)
def test_a_file_that_fails(bot: Bot, hostile: str) -> None:
    name = f"{hostile}.csv"
    shared = bot.slack.share_file(
        channel_id=bot.channel, user_id=bot.user, name=name, content=b"\x00\x01 no lines"
    )
    for text in _told(bot, bot.channel, shared["ts"], "I couldn't"):
        shown_safely(text, hostile)
    with storage.connect(bot.db_path) as db:
        assert storage.latest_dataset(db, Scope(bot.slack.team_id, bot.channel)) is None


@pytest.mark.parametrize("hostile", CASES)
def test_column_names(bot: Bot, hostile: str) -> None:
    header = f'"{hostile.replace(chr(34), chr(34) * 2)}",Other\n'
    shared = bot.slack.share_file(
        channel_id=bot.channel, user_id=bot.user, name="columns.csv",
        content=(header + "a,1\n" * 20).encode(),
    )  # fmt: skip
    _told(bot, bot.channel, shared["ts"], "I couldn't", "which columns")
    for message in bot.slack.messages(bot.channel, thread_ts=shared["ts"]):
        shown_safely(message.get("text", ""), hostile)
        for text in mrkdwn(message.get("blocks", [])):
            shown_safely(text, hostile)


def _told(bot: Bot, channel: str, ts: str, *words: str, timeout: float = 90) -> list[str]:
    """The thread's texts once one of them holds any of ``words``."""
    deadline = time.monotonic() + timeout
    while not any(w in t for t in thread_texts(bot.slack, channel, ts) for w in words):
        assert time.monotonic() < deadline, thread_texts(bot.slack, channel, ts)
        time.sleep(0.05)
    return thread_texts(bot.slack, channel, ts)


@pytest.mark.parametrize("hostile", CASES)
def test_a_file_that_segments(
    bot: Bot, hostile: str, sample_csv_bytes: bytes, tmp_path: Path
) -> None:
    """The thread, the results (text and blocks) and the App Home card of an export whose
    name is hostile; the dataset keeps the name as it was shared. Each case in a new channel."""
    slack = bot.slack
    channel = slack.add_channel(f"hostile-{abs(hash(hostile)) % 10**6}", members=[bot.user])
    shared = slack.share_file(
        channel_id=channel, user_id=bot.user, name=f"{hostile}.csv", content=sample_csv_bytes
    )
    wait_results(slack, channel, timeout=180)
    (results,) = [
        c.body for c in slack.calls("chat.postMessage")
        if c.body.get("channel") == channel and "export_csv" in str(c.body.get("blocks"))
    ]  # fmt: skip
    for text in thread_texts(slack, channel, shared["ts"]):
        shown_safely(text, hostile)
    shown_safely(results["text"], hostile)
    for text in mrkdwn(results["blocks"]):  # plain_text (the header, options) is never acted on
        shown_safely(text, hostile)
    with storage.connect(bot.db_path) as db:
        dataset = storage.latest_dataset(db, Scope(slack.team_id, channel))
    kept = f"{hostile}.csv" if len(hostile) < 96 else "Q" * 95 + "….csv"  # cut, extension kept
    assert dataset.file_name == kept
    before = len(slack.calls("views.publish"))
    assert slack.open_app_home(bot.user).status == 200
    slack.wait_for("views.publish", before + 1)
    home = slack.home_view(bot.user)
    card = next(b for b in home["blocks"] if f"<#{channel}>" in json.dumps(b))
    shown_safely(card["text"]["text"].replace(f"<#{channel}>", ""), hostile)
