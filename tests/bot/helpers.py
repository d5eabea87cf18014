"""Small helpers for the end-to-end bot tests."""

from __future__ import annotations

import time

import pandas as pd

from localslack import LocalSlack

PNG = b"\x89PNG\r\n\x1a\n"


def wait_results(
    slack: LocalSlack, channel: str, count: int = 1, timeout: float = 60
) -> list[dict]:
    """Wait for ``count`` results messages (the ones with the controls) in ``channel``."""
    slack.wait_for(
        "chat.postMessage",
        count,
        timeout,
        where=lambda c: (
            c.body.get("channel") == channel and "export_csv" in str(c.body.get("blocks"))
        ),
    )
    slack.wait_for("files.completeUploadExternal", count, timeout)
    return [
        c.body for c in slack.calls("chat.postMessage") if "export_csv" in str(c.body.get("blocks"))
    ]


def thread_texts(slack: LocalSlack, channel: str, ts: str) -> list[str]:
    return [m.get("text", "") for m in slack.messages(channel, thread_ts=ts)]


def say(slack: LocalSlack, text: str, *, channel: str, user: str, timeout: float = 10) -> str:
    """Send ``/segment text`` and return the ephemeral answer it got; fail if none comes."""
    before = len(slack.ephemeral(channel, user))
    assert slack.send_command(text, channel_id=channel, user_id=user).status == 200
    deadline = time.monotonic() + timeout
    while len(slack.ephemeral(channel, user)) <= before:
        assert time.monotonic() < deadline, f"no answer to /segment {text} within {timeout} s"
        time.sleep(0.02)
    return slack.ephemeral(channel, user)[-1]["text"]


def file_share_event(slack: LocalSlack, channel: str, user: str, content: bytes, url_of) -> dict:
    """A ``message``/``file_share`` event for a new file posted in ``channel``, as Slack sends it,
    with the file's download URL replaced by ``url_of(url)`` (to point it somewhere else)."""
    file = slack.add_file(name="orders.csv", content=content, user=user)
    posted = slack.workspace.post(
        channel, {"user": user, "text": "", "files": [{"id": file["id"]}]}
    )
    return {
        "type": "message",
        "subtype": "file_share",
        "channel": channel,
        "user": user,
        "ts": posted["ts"],
        "files": [{**file, "url_private_download": url_of(file["url_private_download"])}],
    }


def products_frame(name: str, category: str) -> pd.DataFrame:
    """An export (the Online Retail columns and a Category) whose segments name products: 60
    frequent, lapsed, high-spending customers, half of them buying ``name`` (P1) with a cup,
    the other half a spoon, all three in ``category``; 180 small buyers of plates and bowls."""
    rows = []
    for c in range(240):
        big = c < 60
        if big:
            items = [("P1", name), ("P2", "Cup")] if c % 2 else [("P5", "Spoon")]
            items = [(code, label, category) for code, label in items]
        else:
            items = [("P3", "Plate", "Table"), ("P4", "Bowl", "Table")]
        for o in range(6 + c % 4 if big else 1 + c % 2):
            ago = 250 + (c * 37 + o * 53) % 150 if big else (c * 41 + o * 89) % 300
            day = pd.Timestamp("2024-06-30") - pd.Timedelta(days=ago)
            price = 40.0 if big else 3.0
            rows += [(f"I{c}-{o}", code, label, cat, 2, f"{day:%Y-%m-%d}", price, f"C{c}")
                     for code, label, cat in items]  # fmt: skip
    columns = ["InvoiceNo", "StockCode", "Description", "Category", "Quantity", "InvoiceDate",
               "UnitPrice", "CustomerID"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
