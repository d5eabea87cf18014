"""After a crash in the middle of *Add* or *Replace*, the thread says what the database holds.

Each test leaves the database exactly as a bot process killed at that point leaves it (every
step below commits on its own: the answer's claim, the job's record, the stored dataset, the
run), with the job owned by a process that is gone, then starts the bot again on the same
database and drives it through the local Slack:

* the answer was claimed, nothing else: asked again, and the original buttons work;
* the answer's job was recorded and was working, nothing stored: the thread says nothing was
  stored and asks again; clicking *Add* then adds;
* a column question's *Segment* was claimed, the file never read: asked again, and answering
  segments it;
* the added lines were stored, the run never finished: the thread says they are the channel's
  data now with no results yet, and a click says they were added (never "nothing half-done").
"""

from __future__ import annotations

import json
import socket
import subprocess
from dataclasses import dataclass

import pytest

import storage
from segmentation.pipeline import segment_transactions
from storage import JobRecord, Scope
from storage.appends import decide_pending, pending_upload
from storage.mappings import mapping_request, set_mapping_request_state
from tests.bot.conftest import Running
from tests.bot.helpers import thread_texts, wait_results
from tests.bot.test_appends import Slices, _answer, _click, _question, _share, slices  # noqa: F401
from tests.bot.test_mapping import _question as mapping_question
from tests.bot.test_mapping import unguessable_csv  # noqa: F401
from workflows import appends
from workflows.runs import Where


@dataclass(frozen=True)
class Asked:
    """The add/replace question of ``b.csv`` in a channel holding ``a.csv``."""

    thread_ts: str
    question: dict
    append_id: int


@pytest.fixture
def asked(running: Running, slices: Slices) -> Asked:  # noqa: F811
    _share(running, slices.a, "a.csv")
    wait_results(running.slack, running.channel)
    ts = _share(running, slices.b, "b.csv")
    question = _question(running, ts)
    append_id = int(question["blocks"][-1]["elements"][0]["value"])
    return Asked(ts, question, append_id)


def _scope(env: Running) -> Scope:
    return Scope(env.slack.team_id, env.channel)


def _claim(env: Running, asked: Asked) -> None:
    """What *Add*'s click commits first: the claim of the answer."""
    with storage.connect(env.settings.db_path) as db:
        assert decide_pending(db, _scope(env), asked.append_id, "add", was="open", user_id=env.user)


def _gone_owner() -> str:
    """The owner string of a bot process on this machine that has exited."""
    done = subprocess.Popen(["true"])
    done.wait()
    return f"{socket.gethostname()}:{done.pid}:gone"


def _working_job(env: Running, asked: Asked, name: str) -> None:
    """The job *Add* records and starts, owned by a process that is gone."""
    job = JobRecord(
        id="job-add", team_id=env.slack.team_id, channel_id=env.channel, user_id=env.user,
        kind="upload", name=name, thread_ts=asked.thread_ts, state="running",
    )  # fmt: skip
    with storage.connect(env.settings.db_path) as db:
        storage.add_job(db, job)
        db.execute("UPDATE jobs SET owner = ? WHERE id = ?", (_gone_owner(), job.id))
        db.conn.commit()


def _pending_state(env: Running, asked: Asked) -> str:
    with storage.connect(env.settings.db_path) as db:
        return pending_upload(db, _scope(env), asked.append_id).state


def _data_name(env: Running) -> str:
    with storage.connect(env.settings.db_path) as db:
        return storage.latest_upload(db, _scope(env)).file_name


def _asked_again(env: Running, asked: Asked) -> dict:
    return next(
        m
        for m in env.slack.messages(env.channel, thread_ts=asked.thread_ts)
        if f"append-{asked.append_id}-again" in str(m.get("blocks"))
    )


REASKED = (
    "I was stopped (a restart or a crash) before I acted on <@{user}>'s *Add* for `b.csv`: "
    "nothing of it was stored, and this channel's data are still `a.csv`. Choose again:"
)


def test_an_answer_claimed_before_a_crash_is_asked_again(
    running: Running, asked: Asked, jobs
) -> None:
    env = running
    _claim(env, asked)
    env.restart(jobs)
    assert _pending_state(env, asked) == "open"
    assert _asked_again(env, asked)["text"] == REASKED.format(user=env.user)
    _click(env, asked.question, "append_add")  # the question's own buttons work again
    wait_results(env.slack, env.channel, count=2)
    assert _data_name(env) == "a.csv + b.csv"


def test_an_add_stopped_before_it_stored_says_so_and_asks_again(
    running: Running, asked: Asked, jobs
) -> None:
    env = running
    _claim(env, asked)
    _working_job(env, asked, "a.csv + b.csv")
    env.restart(jobs)
    said = thread_texts(env.slack, env.channel, asked.thread_ts)
    assert (
        "I was stopped (a restart or a crash) before I finished `a.csv + b.csv`: nothing of it "
        "was stored." in said
    )
    assert not any("half-done" in text for text in said)
    assert _data_name(env) == "a.csv"
    again = _asked_again(env, asked)
    assert again["text"] == REASKED.format(user=env.user)
    _click(env, again, "append_add")
    wait_results(env.slack, env.channel, count=2)
    assert _data_name(env) == "a.csv + b.csv"
    assert _pending_state(env, asked) == "add"


def test_added_lines_stored_before_a_crash_are_said_to_be_kept(
    running: Running, asked: Asked, jobs
) -> None:
    env = running
    _claim(env, asked)
    _working_job(env, asked, "a.csv + b.csv")
    where = Where(
        scope=_scope(env), user_id=env.user, db_path=env.settings.db_path,
        data_dir=env.settings.data_dir,
    )  # fmt: skip
    chosen = appends.chosen_upload(where, asked.append_id, "add", None)
    result = segment_transactions(
        chosen.transactions, rows_read=chosen.export.rows_read, provenance=chosen.provenance
    )
    appends.store(where, asked.append_id, chosen, result.summary)  # then the process died
    env.restart(jobs)
    said = thread_texts(env.slack, env.channel, asked.thread_ts)
    assert (
        "I was stopped (a restart or a crash) after I stored `a.csv + b.csv` but before its "
        "results were ready: this channel's data are `a.csv + b.csv` now, with no results for "
        "them yet. `/segment run` segments them." in said
    )
    assert not any("half-done" in text or "Choose again" in text for text in said)
    _click(env, asked.question, "append_add")
    assert _answer(env, "already") == (
        f"`b.csv` was already added to this channel's data by <@{env.user}>: nothing more to do."
    )
    assert _data_name(env) == "a.csv + b.csv"


def test_columns_picked_before_a_crash_are_asked_again(
    running: Running,
    unguessable_csv: bytes,  # noqa: F811
    jobs,
) -> None:
    """The *Segment* click on the column question claimed it, then the bot died before its job
    read the kept file: after the restart the thread says nothing was stored and asks again,
    and answering segments the file."""
    env, slack = running, running.slack
    ts = _share(env, unguessable_csv, "clients.csv")
    question = mapping_question(env, ts)
    scope = _scope(env)
    with storage.connect(env.settings.db_path) as db:
        request = mapping_request(db, scope, None)
        assert set_mapping_request_state(db, scope, request.id, "used", was="open")
    env.restart(jobs)
    said = thread_texts(slack, env.channel, ts)
    assert (
        "I was stopped (a restart or a crash) before I segmented `clients.csv` with the columns "
        "picked: nothing of it was stored. Pick them again. I need to know which columns"
    ) in said[-1]
    again = slack.messages(env.channel, thread_ts=ts)[-1]
    assert again["ts"] != question["ts"] and "map_segment" in json.dumps(again["blocks"])
    price = next(
        b["accessory"] for b in again["blocks"]
        if b.get("accessory", {}).get("action_id") == "map_column_price"
    )  # fmt: skip
    slack.choose_option(
        channel_id=env.channel, user_id=env.user, message_ts=again["ts"],
        action_id="map_column_price",
        selected_value=next(o["value"] for o in price["options"] if o["text"]["text"] == "Each"),
    )  # fmt: skip
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=again["ts"], action_id="map_segment"
    )
    wait_results(slack, env.channel)
    with storage.connect(env.settings.db_path) as db:
        assert storage.latest_dataset(db, scope).file_name == "clients.csv"
