"""User text echoed into mrkdwn is escaped (and long echoes cut): a header or file name such as
``<!channel>`` or ``<https://evil.example|Re-upload here>`` is shown, never a mention or link,
and a product or category name such as ``*FREE* _gift_`` is shown as written, never formatted."""

from __future__ import annotations

import re

import pytest

from bot.render.blocks import echo, escape, literal
from bot.render.lookups import help_text
from bot.render.progress import failure_text, progress_text
from tests.bot.conftest import Running
from tests.bot.helpers import products_frame, say, wait_results

EVIL = "<https://evil.example/login|Re-upload here>,<!channel>,x"
# Slack acts on <…> (links, mentions, <!channel>) and on unescaped &; escaped text has neither.
ACTIVE = re.compile(r"<(!|@|#|https?:|mailto:)")


# A product and a category named with every mrkdwn formatting pair, a mention and an entity.
HOSTILE, CATEGORY = "*FREE* _gift_ ~x~ `code` <!channel> &amp;", "~x~ _cat_"
SHOWN = (
    "\u2217FREE\u2217 \u02cdgift\u02cd \u223cx\u223c \u02cbcode\u02cb &lt;!channel&gt; &amp;amp;"
)
FORMATTED = ("*FREE*", "_gift_", "~x~", "`code`", "<!channel>", "_cat_")


def test_escape_and_echo() -> None:
    assert escape("a & <b> `c`") == "a &amp; &lt;b&gt; `c`"
    assert echo("<!channel>") == "&lt;!channel&gt;"
    assert echo("x" * 500) == "x" * 99 + "…"  # cut before escaping: no half entity
    assert echo("a`b") == "a\u02cbb"  # cannot close the code span it is quoted in
    assert echo("<" * 200).endswith("&lt;…") and "&l…" not in echo("<" * 200)


def test_literal_text_is_escaped_and_formats_nothing() -> None:
    assert literal(HOSTILE) == SHOWN
    assert literal(HOSTILE, limit=13) == "\u2217FREE\u2217 \u02cdgift…"
    assert escape(HOSTILE) == "*FREE* _gift_ ~x~ `code` &lt;!channel&gt; &amp;amp;"


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
    acted_on = [t for t in all_texts(running) if "asked me" not in t and ACTIVE.search(t)]
    assert not acted_on, acted_on
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


def test_product_and_category_names_are_shown_as_written_never_formatted(
    running: Running,
) -> None:
    env = running
    content = products_frame(HOSTILE, CATEGORY).to_csv(index=False).encode()
    env.slack.share_file(
        channel_id=env.channel, user_id=env.user, name="gifts.csv", content=content
    )
    (results,) = wait_results(env.slack, env.channel)
    said = str(results["blocks"])
    assert f"Buys more than the rest: {SHOWN} (50% of them" in said  # the products line
    assert f"{SHOWN} + Cup" in said or f"Cup + {SHOWN}" in said  # the pair bought together
    assert f"such as {SHOWN} (bought by 30 customers here" in said  # a strategy naming it
    assert "offer on \u223cx\u223c \u02cdcat\u02cd (bought by 60" in said  # the category
    answer = say(env.slack, "customer C1", channel=env.channel, user=env.user)
    assert f"Usually buys: {SHOWN}, Cup" in answer
    for text in all_texts(env):
        assert not any(raw in text for raw in FORMATTED), text
