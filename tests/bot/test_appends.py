"""Appended exports end to end: a second export shared in a channel that has data is asked
about (*Add* or *Replace*, the suggestion first and primary), nothing changes until someone
clicks, and *Add* stores the stored lines and the new ones, identical lines counted once.

The files are slices of one sample export sorted by date; the expected counts are worked out
here from the CSV lines themselves (a line is already stored when the same text was stored)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pandas as pd
import pytest

import storage
from localslack import payloads
from localslack.files_and_hooks import Hook
from segmentation.sample import sample_export
from storage import Scope
from tests.bot.conftest import Running
from tests.bot.helpers import wait_results


@dataclass(frozen=True)
class Slices:
    a: bytes  # lines 0-3,999
    b: bytes  # lines 4,000-6,999: continues a
    c: bytes  # lines 6,000-8,999: its first 1,000 lines are b's last 1,000
    no_country: bytes  # a's lines 2,000-3,999 without the Country column


@pytest.fixture(scope="session")
def slices() -> Slices:
    frame, _ = sample_export(rows=9000, seed=11)
    frame = frame.iloc[:9000].assign(InvoiceDate=frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M"))

    def csv_of(part: pd.DataFrame) -> bytes:
        return part.to_csv(index=False).encode()

    return Slices(
        a=csv_of(frame.iloc[:4000]),
        b=csv_of(frame.iloc[4000:7000]),
        c=csv_of(frame.iloc[6000:9000]),
        no_country=csv_of(frame.iloc[2000:4000].drop(columns=["Country"])),
    )


def _lines(content: bytes) -> list[tuple[str, ...]]:
    return [tuple(row) for row in list(csv.reader(io.StringIO(content.decode())))[1:]]


def _new_lines(stored: list[tuple[str, ...]], upload: bytes) -> int:
    """Lines of ``upload`` whose text no stored line has."""
    seen = set(stored)
    return sum(1 for line in _lines(upload) if line not in seen)


def _span(content: bytes) -> str:
    """The dates of the lines with a customer, as the question writes them."""
    rows = [r for r in csv.DictReader(io.StringIO(content.decode())) if r["CustomerID"]]
    dates = sorted(pd.Timestamp(r["InvoiceDate"]).date() for r in rows)
    first, last = dates[0], dates[-1]
    start = f"{first.day} {first:%b}" + ("" if first.year == last.year else f" {first:%Y}")
    return f"{start} – {last.day} {last:%b %Y}"


def _share(env: Running, content: bytes, name: str) -> str:
    return env.slack.share_file(
        channel_id=env.channel, user_id=env.user, name=name, content=content
    )["ts"]


def _question(env: Running, thread_ts: str, count: int = 1) -> dict:
    """The add/replace question in the upload's thread."""
    env.slack.wait_for(
        "chat.postMessage", count, where=lambda c: "append_add" in str(c.body.get("blocks")),
        timeout=60,
    )  # fmt: skip
    return next(
        m
        for m in env.slack.messages(env.channel, thread_ts=thread_ts)
        if "append_add" in json.dumps(m.get("blocks", []))
    )


def _buttons(question: dict) -> list[dict]:
    return next(b for b in question["blocks"] if b["type"] == "actions")["elements"]


def _click(env: Running, question: dict, action_id: str) -> None:
    response = env.slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=question["ts"], action_id=action_id
    )
    assert response.status == 200


def _click_as_was(env: Running, question: dict, action_id: str) -> None:
    """A click on the question as it was first posted (sent before Slack showed its update)."""
    slack = env.slack
    block_id, button = payloads.find_element(question["blocks"], action_id)
    container = {"type": "message", "message_ts": question["ts"], "channel_id": env.channel}
    payload = payloads.block_actions(
        team_id=slack.team_id,
        user={"id": env.user, "name": "ana"},
        channel={"id": env.channel, "name": "marketing"},
        container={**container, "is_ephemeral": False},
        message=question,
        action={**button, "block_id": block_id, "action_ts": "1.0"},
        state={"values": {}},
        response_url=slack._hook_url("actions", Hook(env.channel, env.user)),  # as Slack issues
    )
    assert slack.send_interaction(payload).status == 200


def _answer(env: Running, words: str) -> str:
    """The ephemeral answer to a click (sent to its response_url) containing ``words``."""
    call = env.slack.wait_for("hook", where=lambda c: words in str(c.body), timeout=20)[-1]
    return call.body["text"]


def _state(env: Running) -> tuple[storage.Dataset, int]:
    with storage.connect(env.settings.db_path) as db:
        scope = Scope(env.slack.team_id, env.channel)
        return storage.latest_dataset(db, scope), db["runs"].count


def _latest_summary(env: Running):
    with storage.connect(env.settings.db_path) as db:
        return storage.latest_run(db, Scope(env.slack.team_id, env.channel)).summary


def test_add_continuing_then_overlapping_files_counts_identical_lines_once(
    running: Running, slices: Slices
) -> None:
    env, slack = running, running.slack
    _share(env, slices.a, "a.csv")
    wait_results(slack, env.channel)
    stored_a, runs = _state(env)
    ts = _share(env, slices.b, "b.csv")
    question = _question(env, ts)
    text = question["text"]
    assert "(`a.csv`, 4,000 lines)" in text and "the 3,000 lines of `b.csv`" in text
    assert "I suggest *Add*." in text
    assert text.endswith(
        f"Same columns, and its dates ({_span(slices.b)}) continue yours ({_span(slices.a)})."
    )
    add, replace = _buttons(question)
    assert (add["action_id"], add.get("style")) == ("append_add", "primary")
    assert (replace["action_id"], "style" in replace) == ("append_replace", False)
    assert _state(env) == (stored_a, runs)  # nothing segmented, the channel's data unchanged

    _click(env, question, "append_add")
    (results,) = wait_results(slack, env.channel, count=2)[1:]
    assert results["thread_ts"] == ts
    new_b = _new_lines(_lines(slices.a), slices.b)
    summary = _latest_summary(env)
    assert summary.rows_read == 4000 + new_b
    assert f"{new_b:,} new lines added; " in " ".join(summary.notes)
    assert f"Read {4000 + new_b:,} rows" in str(results["blocks"])
    dataset, _ = _state(env)
    assert dataset.file_name == "a.csv + b.csv" and dataset.id != stored_a.id

    _click_as_was(env, question, "append_add")  # a second click, before Slack showed the update
    assert _answer(env, "already").startswith("`b.csv` was already added to this channel's data")
    _click_as_was(env, question, "append_replace")
    assert "already added" in _answer(env, "already added")
    assert _state(env)[0] == dataset  # changed nothing

    # c starts inside the stored dates and ends after them; its first 1,000 lines are stored
    stored = _lines(slices.a) + _lines(slices.b)
    ts = _share(env, slices.c, "c.csv")
    question = _question(env, ts, count=2)
    assert "I suggest *Add*." in question["text"]
    _click(env, question, "append_add")
    (results,) = wait_results(slack, env.channel, count=3)[2:]
    assert results["thread_ts"] == ts  # a click right after the question: still in its thread
    new_c = _new_lines(stored, slices.c)
    assert new_c < 2000 + 1  # b's last 1,000 lines were not counted again
    summary = _latest_summary(env)
    assert summary.rows_read == 4000 + new_b + new_c
    assert summary.notes[0] == f"{new_c:,} new lines added; {3000 - new_c:,} were already stored."


def test_different_columns_suggest_replace_and_replace_segments_the_file_alone(
    running: Running, slices: Slices
) -> None:
    env, slack = running, running.slack
    _share(env, slices.a, "a.csv")
    wait_results(slack, env.channel)
    first = _question(env, _share(env, slices.no_country, "no-country.csv"))
    assert "I suggest *Replace*." in first["text"]
    assert first["text"].endswith(
        "Its columns differ from yours: yours has country (`Country`) and it has none."
    )
    replace, add = _buttons(first)
    assert (replace["action_id"], replace.get("style")) == ("append_replace", "primary")
    assert "style" not in add
    # A newer upload asks again: the first question's buttons are stale.
    ts = _share(env, slices.b, "b.csv")
    second = _question(env, ts, count=2)
    _click(env, first, "append_replace")
    assert "answer that question instead" in _answer(env, "newer upload")
    _click(env, second, "append_replace")
    (results,) = wait_results(slack, env.channel, count=2)[1:]
    assert results["thread_ts"] == ts
    summary = _latest_summary(env)
    assert summary.rows_read == 3000 and not any("new line" in n for n in summary.notes)
    dataset, _ = _state(env)
    assert dataset.file_name == "b.csv" and dataset.rows_read == 3000
    replaced = next(m for m in slack.messages(env.channel, thread_ts=ts) if m["ts"] == second["ts"])
    assert "chose *Replace*" in replaced["text"] and "append_add" not in json.dumps(replaced)


def _thread_says(env: Running, ts: str, words: str) -> str:
    """The message of the upload's thread (status or reply) that says ``words``."""
    env.slack.wait_for(
        "chat.update", where=lambda c: words in str(c.body.get("text")), timeout=60
    )  # fmt: skip
    return next(
        m["text"] for m in env.slack.messages(env.channel, thread_ts=ts) if words in m["text"]
    )


def test_the_same_bytes_again_change_nothing_and_say_so(running: Running, slices: Slices) -> None:
    env, slack = running, running.slack
    _share(env, slices.a, "a.csv")
    wait_results(slack, env.channel)
    stored, runs = _state(env)
    ts = _share(env, slices.a, "a-again.csv")
    said = _thread_says(env, ts, "nothing changed")
    assert said == (
        f"`a-again.csv` has the same contents as the file stored here as `a.csv` on "
        f"{stored.created_at[:16].replace('T', ' ')} UTC, so nothing changed: this channel's "
        "data are `a.csv`. `/segment show` shows its latest results; `/segment run` segments "
        "it again."
    )
    assert _state(env) == (stored, runs)  # no dataset, no run
    assert not any("append_add" in str(c.body) for c in slack.calls("chat.postMessage"))


def test_a_file_already_added_changes_nothing_either(running: Running, slices: Slices) -> None:
    env, slack = running, running.slack
    _share(env, slices.a, "a.csv")
    wait_results(slack, env.channel)
    _click(env, _question(env, _share(env, slices.b, "b.csv")), "append_add")
    wait_results(slack, env.channel, count=2)
    combined, runs = _state(env)
    ts = _share(env, slices.b, "b-again.csv")
    said = _thread_says(env, ts, "nothing changed")
    assert "has the same contents as a file added to `a.csv + b.csv` on " in said
    assert "this channel's data are `a.csv + b.csv`" in said
    assert _state(env) == (combined, runs)


def test_replace_forgets_the_channel_currency_and_says_so(running: Running, slices: Slices) -> None:
    env, slack = running, running.slack
    _share(env, slices.a, "a.csv")
    wait_results(slack, env.channel)
    scope = Scope(slack.team_id, env.channel)
    with storage.connect(env.settings.db_path) as db:
        storage.set_channel_currency(db, scope, "EUR", user_id=env.user)
    question = _question(env, _share(env, slices.no_country, "no-country.csv"))
    _click(env, question, "append_replace")
    wait_results(slack, env.channel, count=2)
    summary = _latest_summary(env)
    found = summary.currency
    assert summary.notes[-1] == (
        "This channel's currency setting (EUR) was for the data this file replaced, so I read "
        "the currency from the file again: "
        + (f"the amounts of this file are in {found}" if found else "this file does not say")
        + ". Set it with `/segment currency CODE`."
    )
    with storage.connect(env.settings.db_path) as db:
        assert storage.channel_currency(db, scope) is None
        replaced = storage.latest_dataset(db, scope)
        first = storage.datasets_for(db, scope)[-1]
    assert replaced.line == replaced.id and first.line == first.id  # two lines of history


def test_a_forged_question_id_is_answered_plainly(running: Running, slices: Slices) -> None:
    env, slack = running, running.slack
    _share(env, slices.a, "a.csv")
    wait_results(slack, env.channel)
    question = _question(env, _share(env, slices.b, "b.csv"))
    for forged in ("1" * 40, "²"):
        slack.click_button(
            channel_id=env.channel, user_id=env.user, message_ts=question["ts"],
            action_id="append_add", value=forged,
        )  # fmt: skip
        assert (
            _answer(env, "not available")
            == "Those results are not available in this channel any more."
        )
    assert not any("Something went wrong" in str(c.body) for c in slack.calls("hook"))
    assert _state(env)[0].file_name == "a.csv"  # nothing added
