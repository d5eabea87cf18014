"""Audiences for ad platforms, end to end: ``/segment export … as meta|google`` and the results'
*Export audience* menu send a customer list of SHA-256 hashed e-mails by DM; an export whose
customers have no e-mail gets one sentence and no file."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.bot.conftest import Running
from tests.bot.helpers import say, wait_results


@pytest.fixture(scope="session")
def email_csv() -> bytes:
    """The sample export with customers identified by e-mail, written untidily."""
    from segmentation.sample import sample_export

    frame, _ = sample_export(rows=3000, seed=7)
    out = frame.assign(
        InvoiceDate=frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M"),
        CustomerID=[
            "" if c != c else f" Shopper{int(c)}@Example.COM " for c in frame["CustomerID"]
        ],
    )
    return out.rename(columns={"CustomerID": "Email"}).to_csv(index=False).encode()


def _sent_files(env: Running, count: int) -> list[bytes]:
    uploads = env.slack.wait_for("files.completeUploadExternal", count, timeout=20)
    return [env.slack.file_bytes(json.loads(u.body["files"])[0]["id"]) for u in uploads]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_meta_and_google_lists_of_hashed_emails(running: Running, email_csv: bytes) -> None:
    env, slack = running, running.slack
    slack.share_file(channel_id=env.channel, user_id=env.user, name="shop.csv", content=email_csv)
    (results,) = wait_results(slack, env.channel)
    slack.clear_calls()
    reply = say(slack, "export all as meta", channel=env.channel, user=env.user)
    assert "SHA-256 hashed e-mails" in reply and "Meta Custom Audiences" in reply
    (meta,) = _sent_files(env, 1)
    lines = meta.decode().splitlines()
    assert lines[0] == "email"
    assert all(len(line) == 64 and int(line, 16) >= 0 for line in lines[1:])
    assert len(lines) - 1 == len(set(lines[1:]))
    some = next(line for line in email_csv.decode().splitlines()[1:] if "@" in line)
    address = next(cell for cell in some.split(",") if "@" in cell).strip().lower()
    assert _sha(address) in lines  # trimmed, lower-cased, then hashed
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
        channel_id=env.channel,
        user_id=env.user,
        message_ts=message["ts"],
        action_id="export_audience",
        selected_value=google["options"][1]["value"],
    )
    _, segment_list = _sent_files(env, 2)
    rows = segment_list.decode().splitlines()
    assert rows[0] == "Email" and 1 < len(rows) < len(lines)
    assert set(rows[1:]) <= set(lines[1:])


def test_an_export_without_emails_gets_one_sentence_and_no_file(segmented: Running) -> None:
    env, slack = segmented, segmented.slack
    reply = say(slack, "export as google", channel=env.channel, user=env.user)
    assert reply == (
        "This export has no e-mail addresses, so there is nothing an ad platform can match."
    )
    assert "not `tiktok`" in say(slack, "export all as tiktok", channel=env.channel, user=env.user)
    assert slack.calls("files.completeUploadExternal") == []
    assert slack.calls("files.getUploadURLExternal") == []
