"""User text echoed into mrkdwn is escaped (and long echoes cut): a header or file name such as
``<!channel>`` or ``<https://evil.example|Re-upload here>`` is shown, never a mention or link."""

from __future__ import annotations

import re

import pytest

from bot.render.blocks import echo, escape
from bot.render.lookups import help_text
from bot.render.progress import failure_text, progress_text
from tests.bot.conftest import Running
from tests.bot.helpers import say, wait_results

EVIL = "<https://evil.example/login|Re-upload here>,<!channel>,x"
# Slack acts on <…> (links, mentions, <!channel>) and on unescaped &; escaped text has neither.
ACTIVE = re.compile(r"<(!|@|#|https?:|mailto:)")


def test_escape_and_echo() -> None:
    assert escape("a & <b> `c`") == "a &amp; &lt;b&gt; `c`"
    assert echo("<!channel>") == "&lt;!channel&gt;"
    assert echo("x" * 500) == "x" * 99 + "…"  # cut before escaping: no half entity
    assert echo("a`b") == "a\u02cbb"  # cannot close the code span it is quoted in
    assert echo("<" * 200).endswith("&lt;…") and "&l…" not in echo("<" * 200)


def test_renderers_escape_what_users_sent() -> None:
    assert "&lt;!channel&gt;" in progress_text("<!channel>.csv", None, "reading")
    text = failure_text("<!here>.csv", f"Columns found: {EVIL}.")
    assert not ACTIVE.search(text) and "`&lt;!here&gt;.csv`" in text
    assert "&lt;https://evil.example/login|Re-upload here&gt;" in text
    assert not ACTIVE.search(help_text("<!everyone> " + "y" * 1000))
    assert len(help_text("z" * 5000)) < len(help_text("z")) + 120


def all_texts(env: Running) -> list[str]:
    texts = [str(c.body.get("text", "")) + str(c.body.get("blocks", "")) for c in env.slack.calls()]
    return texts + [m.get("text", "") for m in env.slack.ephemeral(env.channel, env.user)]


def test_a_hostile_header_is_shown_not_acted_on(running: Running) -> None:
    content = (EVIL + "\n" + "1,2,3\n" * 20).encode()
    running.slack.share_file(
        channel_id=running.channel, user_id=running.user, name="<!channel>.csv", content=content
    )
    calls = running.slack.wait_for(
        "chat.update", where=lambda c: "I couldn't segment" in c.body.get("text", ""), timeout=30
    )
    text = calls[-1].body["text"]
    assert "Something went wrong" not in text
    assert "`&lt;!channel&gt;.csv`" in text and "&lt;!channel&gt;" in text.split(":", 1)[1]
    assert not any(ACTIVE.search(t) for t in all_texts(running) if "asked me" not in t)
    assert "/segment" in say(running.slack, "help", channel=running.channel, user=running.user)


def test_a_hostile_file_name_is_escaped_in_progress_and_results(
    running: Running, sample_csv_bytes: bytes
) -> None:
    name = "<!channel> & <https://evil.example|click>.csv"
    running.slack.share_file(
        channel_id=running.channel, user_id=running.user, name=name, content=sample_csv_bytes
    )
    wait_results(running.slack, running.channel)
    texts = [str(c.body.get("text", "")) for c in running.slack.calls("chat.update")]
    texts += [str(c.body.get("text", "")) for c in running.slack.calls("chat.postMessage")]
    assert any("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;.csv" in t for t in texts)
    assert not any(ACTIVE.search(t) for t in texts)


@pytest.mark.parametrize(
    "command",
    [
        "<!here>",
        "run k=<!channel>",
        "run as_of=<https://evil.example|x>",
        "export <!channel>",
        "schedule <!channel> 9:00",
        "customer <@U0BOT>",
    ],
)
def test_command_text_is_escaped_in_answers(segmented: Running, command: str) -> None:
    env = segmented
    text = say(env.slack, command, channel=env.channel, user=env.user)
    assert not ACTIVE.search(text), text
    assert "Something went wrong" not in text
