"""Hostile uploads through the real bot and the local Slack: a plain answer in the file's thread,
the bot alive afterwards, no run left 'running'. The files come from tests/segmentation/hostile.py.

The bot runs with a 16 MB upload limit, so bombs are refused after 128 MB of unpacking (the
limits follow SEGBOT_MAX_UPLOAD_MB); the memory cap of a worker is checked in a subprocess.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.jobs.queue import JobQueue
from tests.bot.conftest import Running, running_bot
from tests.bot.helpers import say, thread_texts, wait_results
from tests.segmentation import hostile as h

ROOT = Path(__file__).resolve().parents[2]
G = 1024**3
LINE = "536999,85123A,WHITE MUG,2,9999-12-31 10:00,3.5,12345,United Kingdom"


@pytest.fixture
def small(tmp_path: Path, jobs: JobQueue) -> Iterator[Running]:
    """``running`` with SEGBOT_MAX_UPLOAD_MB=16."""
    with running_bot(tmp_path, jobs, max_upload_mb=16) as env:
        yield env


def _answer(env: Running, name: str, content: bytes, timeout: float = 60) -> str:
    """Share a file; the thread's status message once it says it could not segment it."""
    slack = env.slack
    shared = slack.share_file(channel_id=env.channel, user_id=env.user, name=name, content=content)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = thread_texts(slack, env.channel, shared["ts"])
        if texts and texts[0].startswith("I couldn't segment"):
            return texts[0]
        time.sleep(0.05)
    raise AssertionError(f"no answer for {name}: {thread_texts(slack, env.channel, shared['ts'])}")


def _alive_and_nothing_running(env: Running) -> None:
    assert "/segment run" in say(env.slack, "help", channel=env.channel, user=env.user)
    with sqlite3.connect(env.settings.db_path) as db:
        assert db.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone() == (0,)


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("bomb.csv.gz", lambda: h.gz_bomb(G), "expands to more than 128 MB"),
        ("bomb.zip", lambda: h.zip_in_zip_bomb(2 * G), "expands to more than 128 MB"),
        ("rows.parquet", lambda: h.parquet_rows(3_000_000), "more than the 2,097,152"),
        ("sheet.xlsx", h.xlsx_whole_sheet, "cells, more than"),
        ("old.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Save it as .xlsx"),
        ("empty.zip", lambda: h.zip_archive([]), "empty zip"),
    ],
)
def test_hostile_upload_gets_a_plain_answer(small: Running, name, make, words) -> None:
    text = _answer(small, name, make())
    assert words in text and "Something went wrong" not in text, text
    _alive_and_nothing_running(small)


def test_one_bad_date_is_dropped_and_counted_in_the_results(small: Running) -> None:
    content = h.with_line(h.base_csv(3000), LINE)
    small.slack.share_file(
        channel_id=small.channel, user_id=small.user, name="orders.csv", content=content
    )
    (summary,) = wait_results(small.slack, small.channel)
    assert "1 date out of range" in str(summary["blocks"])
    _alive_and_nothing_running(small)


def test_absurd_as_of_is_refused_in_one_sentence(small: Running) -> None:
    for value in ("0001-01-01", "9999-12-31"):
        text = say(small.slack, f"run as_of={value}", channel=small.channel, user=small.user)
        assert f"`as_of={value}` is not a date your data can be measured to" in text


MEMORY = """
import resource, sys
from bot.jobs.worker import init
from segmentation.load import ReadLimits, load_export
from tests.segmentation import hostile as h
data = h.gz_bomb(900 * 1024 * 1024)
limits = ReadLimits.for_upload(1 << 30, memory_bytes=8 << 30)  # lets it unpack past the cap
pages = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
init(None, pages + 400 * 1024 * 1024)  # 400 MB more than this process has now
try:
    load_export(data, name="big.csv.gz", limits=limits)
except Exception as exc:
    print(type(exc).__name__, exc)
"""


def test_the_worker_memory_cap_turns_into_a_plain_answer() -> None:
    run = subprocess.run(
        [sys.executable, "-c", MEMORY], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("ExportError `big.csv.gz` needs more memory to read"), run.stdout
