"""Small helpers for the end-to-end bot tests."""

from __future__ import annotations

from bot.localslack import LocalSlack

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
