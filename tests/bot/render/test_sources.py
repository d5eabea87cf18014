"""``/segment source …``: the parser's typed requests and the pure answers, as data."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.render.sources import source_gone_text, source_off_text, source_used_text, sources_text
from bot.requests import ShowSources, SourceOff, UseSource, parse
from sources import Catalog, Secret, Source

SHOP = Source(
    name="shop",
    kind="database",
    description="table public.sales of the postgres database on db.example.com",
    url="postgresql://segbot@db.example.com:5432/shop",
    password=Secret("SHOP_DB_PASSWORD", "hunter2-secret"),
    table="public.sales",
    channels=("C1",),
)
ARCHIVE = Source(name="archive", kind="files", description="files at <exports>/*.parquet")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("source", ShowSources()),
        ("SOURCE", ShowSources()),
        ("source use shop", UseSource("shop")),
        ("source USE Shop", UseSource("Shop")),
        ("source off", SourceOff()),
        ("source Off", SourceOff()),
    ],
)
def test_parses_source_requests(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("source use", "Name the source, e.g. `/segment source use shop`"),
        ("source use shop archive", "I don't understand `source use shop archive`"),
        (
            "source on",
            "Write `/segment source`, `/segment source use NAME` or `/segment source off`.",
        ),
        ("source off now", "I don't understand `source off now`"),
    ],
)
def test_malformed_source_requests_say_how_to_write_them(text: str, answer: str) -> None:
    with pytest.raises(UserError, match=None) as caught:
        parse(text)
    assert answer in str(caught.value)


def test_lists_what_the_channel_may_use_and_what_it_reads() -> None:
    available = Catalog((SHOP, ARCHIVE)).for_channel("C1")
    text = sources_text(available, "shop")
    assert text.splitlines() == [
        "*Sources this channel may use*",
        "• `shop`: table public.sales of the postgres database on db.example.com *(in use here)*",
        "• `archive`: files at &lt;exports&gt;/*.parquet",
        "This channel reads `shop`: `/segment run` and every scheduled digest query it again. "
        "`/segment source off` goes back to the exports shared here.",
    ]
    unbound = sources_text(available, None)
    assert "in use here" not in unbound
    assert unbound.endswith("`/segment source use NAME` reads one instead.")
    assert "hunter2" not in text + unbound + source_used_text(SHOP)


def test_no_source_and_a_source_taken_away_are_said_plainly() -> None:
    assert sources_text([], None) == (
        "No source is given to this channel: the bot's operator names them in its sources file "
        "(`SEGBOT_SOURCES`), with the channels each serves."
    )
    gone = sources_text([ARCHIVE], "shop", usable=False)
    assert "which the sources file no longer gives it" in gone
    assert "`/segment source off`" in source_gone_text("shop")


def test_used_and_off_answers() -> None:
    assert source_used_text(SHOP).startswith(
        "This channel now reads `shop` (table public.sales of the postgres database on "
        "db.example.com). `/segment run` segments it now"
    )
    assert source_off_text("shop", has_uploads=True) == (
        "This channel no longer reads `shop`. `/segment run` segments the latest export shared "
        "here again."
    )
    assert source_off_text(None, has_uploads=False).startswith("This channel reads no source")
