"""What users typed comes back escaped exactly once and cut to fit Slack, and a customer is
found however its id is cased or spaced; end to end through the real Bolt app."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pandas as pd
import pytest

from bot.errors import UserError, quote
from bot.render.blocks import MAX_ECHO, MAX_TEXT, echo, error_text, escape
from bot.render.progress import failure_text
from segmentation.sample import sample_export
from tests.bot.conftest import Running
from tests.bot.helpers import say, wait_results

BOT = Path(__file__).resolve().parents[2] / "bot"
SECTION_LIMIT = 3000  # Slack's limit on a section's text


def test_escape_cuts_without_breaking_an_entity() -> None:
    assert escape("a<b") == "a&lt;b"
    assert escape("<" * 10, limit=12) == "&lt;&lt;…"
    assert len(escape("&" * 5000, limit=MAX_TEXT)) <= MAX_TEXT
    assert quote("a<b`c") == "a<b\u02cbc"  # cut and code-span safe, not escaped
    assert echo("a<b") == escape(quote("a<b"))


def test_an_error_is_escaped_once_and_fits_a_section() -> None:
    error = UserError(f"I don't understand `{quote('a<b')}`.")
    assert error_text(error) == "I don't understand `a&lt;b`."
    long = error_text(UserError(f"Customer `{quote('<' * 4000)}` is not there."))
    assert len(long) <= SECTION_LIMIT and "&amp;" not in long


def test_a_failure_in_the_thread_fits_a_section() -> None:
    text = failure_text("a<b.csv", "Columns found: " + "<x>" * 3000)
    assert len(text) <= MAX_TEXT and text.startswith("I couldn't segment `a&lt;b.csv`: ")
    assert text.endswith("&gt;…") or text.endswith("x…")


def test_no_error_message_is_escaped_before_it_is_shown() -> None:
    """User text in an error is quoted with ``quote``; ``escape``/``echo`` belong where it is
    shown, so the error path escapes it once."""
    found = []
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith("Error"):
                calls = [n for n in ast.walk(node) if isinstance(n, ast.Call) and n is not node]
                names = {getattr(c.func, "id", "") for c in calls}
                if names & {"echo", "escape"}:
                    found.append(f"{path.name}:{node.lineno}")
    assert found == []


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ('map customer="a<b', '`customer="a&lt;b`'),
        ("map a<b", "`a&lt;b`"),
        ("map nofield=a<b", "`nofield`"),
        ("run k=a<b", "`k=a&lt;b`"),
        ("export a<b", "`a&lt;b`"),
        ("customer a<b", "`a&lt;b`"),
        ("schedule weekly a<b 9:00", "`a&lt;b`"),
    ],
)
def test_errors_quoting_what_was_typed_are_escaped_once(
    segmented: Running, command: str, shown: str
) -> None:
    env = segmented
    text = say(env.slack, command, channel=env.channel, user=env.user)
    assert shown in text, text
    assert "&amp;lt;" not in text and "&amp;gt;" not in text, text


def test_a_4000_character_customer_id_is_cut(segmented: Running) -> None:
    env = segmented
    text = say(env.slack, "customer " + "9" * 4000, channel=env.channel, user=env.user)
    assert "is not in the latest results" in text
    assert f"`{'9' * (MAX_ECHO - 1)}…`" in text and len(text) < SECTION_LIMIT


def lettered_ids() -> bytes:
    """The small sample with ids such as ``Shop-12347``; the second customer's id is the
    first's in capitals (``SHOP-…``): a different customer to the export."""
    frame, _ = sample_export(rows=6000, seed=3)
    ids = frame["CustomerID"].dropna().astype(int).astype(str)
    first, second = sorted(ids.unique())[:2]
    renamed = ("Shop-" + ids).replace({f"Shop-{second}": f"SHOP-{first}"})
    frame = frame.assign(
        CustomerID=renamed, InvoiceDate=frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M")
    )
    out = io.StringIO()
    frame.to_csv(out, index=False)
    return out.getvalue().encode()


def test_a_customer_is_found_in_any_case_and_with_spaces(running: Running) -> None:
    env = running
    content = lettered_ids()
    env.slack.share_file(channel_id=env.channel, user_id=env.user, name="ids.csv", content=content)
    wait_results(env.slack, env.channel)
    ids = sorted(pd.read_csv(io.BytesIO(content))["CustomerID"].dropna().unique())
    alike = [i for i in ids if i.lower() == ids[0].lower()]
    other = next(i for i in ids if i.lower() != ids[0].lower())
    assert len(alike) == 2  # SHOP-… and Shop-…

    def ask(text: str) -> str:
        return say(env.slack, text, channel=env.channel, user=env.user)

    for typed in (other, other.upper(), other.lower(), f"  {other.swapcase()}  "):
        assert ask(f"customer {typed}").startswith(f"Customer `{other}` is in *"), typed
    for exact in alike:  # typed exactly, each is itself
        assert ask(f"customer {exact}").startswith(f"Customer `{exact}` is in *")
    ambiguous = ask(f"customer {alike[0].lower()}")
    assert f"`{alike[0]}`, `{alike[1]}`" in ambiguous and "write the id exactly" in ambiguous
