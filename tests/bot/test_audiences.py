"""Audiences end to end: an export with a customer id and separate contact columns, shared in a
channel; ``/segment export … as meta|google|email`` and the results' *Export audience* menu
send the list privately by DM; the channel hears counts, never a contact. The lists' rules
are checked against the platforms' own examples in tests/segmentation/test_audiences.py;
here the doc's hashes are checked once more, on what the bot sent."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bot.jobs.queue import JobQueue
from segmentation.offers import split
from tests.bot.conftest import Running, running_bot
from tests.bot.helpers import say, wait_results

# Meta's examples (Customer Information Parameters): "John_Smith@gmail.com", US "(650)555-1212",
# "Mary", "United States", with the SHA-256 the page prints for each.
META_EMAIL = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
META_PHONE = "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"
META_MARY = "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
META_US = "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"
PLANTED = "99999"  # the customer written as in Meta's examples
# Any of the export's contacts, however written.
PLANTED_PATTERNS = [
    r"john_smith", r"shopper\d", r"not-an-address", r"555\W?1212", r"7700\W?9\d", r"\bmary\b",
    r"\bsmith\b", r"\bann\d", r"\blee-\d", r"\b94035\b", r"\bab\d\d 1cd\b",
]  # fmt: skip


def _contacts(customer: int) -> dict[str, str]:
    """Every 10th customer's e-mail is no address; every 20th has a phone with its country
    code (so stays matchable), the other 10th have none (left out)."""
    bad = customer % 10 == 0
    return {
        "E-mail": "not-an-address" if bad else f" Shopper{customer}@Example.COM ",
        "Mobile": f"+44 7700 9{customer:05d}" if customer % 20 == 0 else "",
        "First Name": f"Ann{customer}",
        "Surname": f"Lee-{customer}",
        "Zip": f"AB{customer % 90 + 10} 1CD",
    }


@pytest.fixture(scope="module")
def contacts_csv() -> bytes:
    from segmentation.sample import sample_export

    frame, _ = sample_export(rows=3000, seed=7)
    frame = frame[frame["CustomerID"].notna()].copy()
    frame["CustomerID"] = frame["CustomerID"].astype(int)
    planted = frame[frame["CustomerID"] == frame["CustomerID"].iloc[0]].assign(
        CustomerID=int(PLANTED), Country="United States"
    )
    frame = pd.concat([frame, planted], ignore_index=True)
    details = pd.DataFrame([_contacts(c) for c in frame["CustomerID"]], index=frame.index)
    is_planted = frame["CustomerID"] == int(PLANTED)
    details.loc[is_planted] = ["John_Smith@gmail.com", "(650)555-1212", "Mary", "Smith", "94035"]
    out = pd.concat([frame, details], axis=1)
    out["InvoiceDate"] = out["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M")
    return out.to_csv(index=False).encode()


def _sent(env: Running, count: int) -> list[tuple[str, bytes]]:
    """(channel, bytes) of the first ``count`` files uploaded."""
    uploads = env.slack.wait_for("files.completeUploadExternal", count, timeout=20)
    return [
        (u.body["channel_id"], env.slack.file_bytes(json.loads(u.body["files"])[0]["id"]))
        for u in uploads[:count]
    ]


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _dm(env: Running) -> str:
    return env.slack.workspace.open_dm(env.user).id


def _run_customers(env: Running) -> list[int]:
    with sqlite3.connect(env.settings.db_path) as db:
        return [int(c) for (c,) in db.execute("SELECT customer_id FROM assignments")]


def test_meta_and_google_lists_hash_the_contact_columns(
    running: Running, contacts_csv: bytes
) -> None:
    env, slack = running, running.slack
    slack.share_file(
        channel_id=env.channel, user_id=env.user, name="shop.csv", content=contacts_csv
    )
    (results,) = wait_results(slack, env.channel)
    slack.clear_calls()
    customers = _run_customers(env)
    # Each has a name, zip and country Meta can match on, so none is left out; the e-mails
    # that are no address are said (as counts).
    assert (len(customers), sum(c % 10 == 0 for c in customers)) == (50, 4)
    reply = say(slack, "export all as meta", channel=env.channel, user=env.user)
    assert reply == (
        "I've sent you `audience-meta-run-1.csv` privately, in a direct message (all segments: "
        "50 customers, contacts SHA-256 hashed as Meta Custom Audiences asks): upload it as a "
        "customer list in Meta Custom Audiences. Left out: 4 e-mails that are no address."
    )
    ((channel, meta),) = _sent(env, 1)
    assert channel == _dm(env) != env.channel
    rows = _rows(meta)
    assert list(rows[0]) == ["email", "phone", "fn", "ln", "zip", "country", "extern_id"]
    assert sorted(int(r["extern_id"]) for r in rows) == sorted(customers)
    assert sum(r["email"] == "" for r in rows) == 4
    (mary,) = [r for r in rows if r["extern_id"] == PLANTED]
    assert (mary["email"], mary["phone"], mary["fn"], mary["country"]) == (
        META_EMAIL, META_PHONE, META_MARY, META_US,
    )  # fmt: skip
    # One segment, for Google, from the results' menu (block_actions as Slack sends it).
    controls = results["blocks"][-1]
    menu = next(e for e in controls["elements"] if e["action_id"] == "export_audience")
    google = menu["option_groups"][1]
    assert google["label"]["text"] == "Google Customer Match"
    message = next(
        m
        for m in slack.messages(env.channel, thread_ts=results["thread_ts"])
        if "export_audience" in json.dumps(m.get("blocks", []))
    )
    slack.choose_option(
        channel_id=env.channel, user_id=env.user, message_ts=message["ts"],
        action_id="export_audience", selected_value=google["options"][1]["value"],
    )  # fmt: skip
    _, (channel, segment_list) = _sent(env, 2)
    assert channel == _dm(env)
    listed = _rows(segment_list)
    assert list(listed[0]) == ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"]
    assert 0 < len(listed) < len(rows)
    # Country is not hashed, as Google asks: the sample's countries (EIRE as Ireland's code).
    assert {r["Country"] for r in listed} <= {"gb", "de", "fr", "ie", "es", "nl", "us"}


def test_the_email_tool_list_is_off_unless_the_operator_turns_it_on(
    running: Running, contacts_csv: bytes
) -> None:
    env, slack = running, running.slack
    slack.share_file(
        channel_id=env.channel, user_id=env.user, name="shop.csv", content=contacts_csv
    )
    wait_results(slack, env.channel)
    slack.clear_calls()
    assert say(slack, "export as email", channel=env.channel, user=env.user) == (
        "The e-mail tool export is off on this bot: it holds raw e-mail addresses and names, so "
        "only the bot's operator can turn it on (SEGBOT_EMAIL_TOOL_EXPORT=true)."
    )
    assert slack.calls("files.getUploadURLExternal") == []


def _audience_menu(message: dict) -> dict:
    controls = message["blocks"][-1]
    return next(e for e in controls["elements"] if e["action_id"] == "export_audience")


def _platforms(message: dict) -> list[str]:
    """The platforms a results message's *Export audience* menu offers, as each option says."""
    groups = _audience_menu(message)["option_groups"]
    return sorted({o["value"].split(":")[1] for g in groups for o in g["options"]})


def test_the_audience_menu_offers_the_email_tool_only_while_it_is_on(
    running: Running, contacts_csv: bytes, jobs: JobQueue
) -> None:
    env, slack = running, running.slack
    slack.share_file(
        channel_id=env.channel, user_id=env.user, name="shop.csv", content=contacts_csv
    )
    (results,) = wait_results(slack, env.channel)
    assert _platforms(results) == ["google", "meta"]  # off: the menu does not offer it
    say(slack, "show", channel=env.channel, user=env.user)
    assert _platforms(slack.ephemeral(env.channel, env.user)[-1]) == ["google", "meta"]
    # The operator turns it on (SEGBOT_EMAIL_TOOL_EXPORT=true) and restarts the bot.
    env.settings = dataclasses.replace(env.settings, email_tool_export=True)
    env.restart(jobs)
    say(slack, "show", channel=env.channel, user=env.user)
    shown = slack.ephemeral(env.channel, env.user)[-1]
    assert _platforms(shown) == ["email", "google", "meta"]
    groups = _audience_menu(shown)["option_groups"]
    assert [g["label"]["text"] for g in groups][-1] == "E-mail tool (raw e-mails)"
    slack.clear_calls()
    slack.choose_option(
        channel_id=env.channel, user_id=env.user, message_ts=shown["ts"],
        action_id="export_audience", selected_value=groups[-1]["options"][0]["value"],
    )  # fmt: skip
    ((channel, tool),) = _sent(env, 1)
    assert channel == _dm(env) and list(_rows(tool)[0])[:4] == [
        "Email Address", "First Name", "Last Name", "Tags",
    ]  # fmt: skip
    # Off again: the menu shown while it was on still offers it, and picking it is refused.
    env.settings = dataclasses.replace(env.settings, email_tool_export=False)
    env.restart(jobs)
    slack.clear_calls()
    slack.choose_option(
        channel_id=env.channel, user_id=env.user, message_ts=shown["ts"],
        action_id="export_audience", selected_value=groups[-1]["options"][0]["value"],
    )  # fmt: skip
    slack.wait_for("hook", where=lambda c: "e-mail tool export is off" in str(c.body))
    assert slack.calls("files.getUploadURLExternal") == []


@pytest.fixture
def email_tool_on(tmp_path: Path, jobs: JobQueue) -> Iterator[Running]:
    with running_bot(tmp_path, jobs, email_tool_export=True) as env:
        yield env


def test_nothing_of_the_contacts_reaches_a_channel_a_log_or_the_database(
    email_tool_on: Running,
    contacts_csv: bytes,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture,
) -> None:
    env, slack = email_tool_on, email_tool_on.slack
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="segbot")
    slack.share_file(
        channel_id=env.channel, user_id=env.user, name="shop.csv", content=contacts_csv
    )
    wait_results(slack, env.channel)
    reply = say(slack, "export all as email", channel=env.channel, user=env.user)
    assert "privately, in a direct message" in reply
    *_, (channel, tool) = _sent(env, 2)  # the results' chart, then the list
    assert channel == _dm(env)
    (mary,) = [r for r in _rows(tool) if r["Email Address"] == "john_smith@gmail.com"]
    assert (mary["First Name"], mary["Last Name"]) == ("Mary", "Smith") and mary["Tags"]
    # The run knows each customer's next products (the export names its products), so the
    # e-mail tool's list carries them: none of them one Mary already bought.
    assert list(mary) == ["Email Address", "First Name", "Last Name", "Tags", "Next Products"]
    lines = pd.read_csv(io.BytesIO(contacts_csv))
    bought = set(lines.loc[lines["CustomerID"] == int(PLANTED), "Description"])
    offered = split(mary["Next Products"])
    assert offered and not bought & set(offered)
    for asked in ("export as meta", "export as google", "export 1 as email", "customer 99999",
                  "export Nobody as meta", "campaign export none as google"):  # fmt: skip
        say(slack, asked, channel=env.channel, user=env.user)
    # A list that fails to arrive: its error is logged with a traceback and answered.
    slack.fail_next("files.completeUploadExternal", error="internal_error")
    assert "(ref " in say(slack, "export as email", channel=env.channel, user=env.user)
    # Everything the bot said anywhere (messages, updates, ephemeral answers, DM comments,
    # blocks), everything logged, and the whole database; not the files' own bytes.
    said = b"\n".join(c.raw for c in slack.calls() if c.method not in ("upload", "files-pri"))
    logged = caplog.text + "".join(capfd.readouterr())
    with sqlite3.connect(env.settings.db_path) as db:
        stored = "\n".join(db.iterdump())
    # The patterns find every kind of contact in the export itself, and there was output to search.
    assert all(re.search(p, contacts_csv.decode(), re.IGNORECASE) for p in PLANTED_PATTERNS)
    assert "internal_error" in logged and "Traceback" in logged
    assert "export_audience" in said.decode() and "INSERT INTO" in stored
    for text in (said.decode("utf-8", "replace"), logged, stored):
        assert [p for p in PLANTED_PATTERNS if re.search(p, text, re.IGNORECASE)] == []


def test_an_export_without_contacts_gets_one_sentence_and_no_file(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    reply = say(slack, "export as google", channel=env.channel, user=env.user)
    assert reply == (
        "This export has no contact details to match customers on: map an e-mail, phone, or "
        "first name, last name, postcode and country column (e.g. `/segment map "
        'email="E-mail" phone="Phone" first_name="First Name" last_name="Last Name" '
        'postcode="Zip"`) and share the export again.'
    )
    assert "not `tiktok`" in say(slack, "export all as tiktok", channel=env.channel, user=env.user)
    assert slack.calls("files.completeUploadExternal") == []
    assert slack.calls("files.getUploadURLExternal") == []


def test_phones_without_a_country_code_or_a_country_are_counted_and_left_out(
    running: Running,
) -> None:
    from segmentation.sample import sample_export

    env, slack = running, running.slack
    frame, _ = sample_export(rows=3000, seed=7)
    frame = frame[frame["CustomerID"].notna()].drop(columns="Country")
    ids = frame["CustomerID"].astype(int)
    # Even customers write their country code; odd ones a UK number without it, and the
    # export has no country column to take it from.
    frame["Phone"] = [f"+44 7700 9{c:05d}" if c % 2 == 0 else f"07700 9{c:05d}" for c in ids]
    frame["InvoiceDate"] = frame["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M")
    slack.share_file(
        channel_id=env.channel, user_id=env.user, name="phones.csv",
        content=frame.to_csv(index=False).encode(),
    )  # fmt: skip
    wait_results(slack, env.channel)
    slack.clear_calls()
    customers = _run_customers(env)
    odd = sum(c % 2 for c in customers)
    assert 0 < odd < len(customers)
    reply = say(slack, "export as google", channel=env.channel, user=env.user)
    assert reply.endswith(
        f"Left out: {odd} customers with nothing to match on, {odd} phones without a country "
        "code or a country to take it from."
    )
    ((_, sent),) = _sent(env, 1)
    assert [list(r) for r in _rows(sent)][0] == ["Phone"]
    assert len(_rows(sent)) == len(customers) - odd
