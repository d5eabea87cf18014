"""The add/replace question as data: the suggestion first, primary and named, and its reason."""

from __future__ import annotations

import datetime as dt

from bot.render.appends import append_blocks, reason, span_label
from workflows.appending import Overlap, Span


def _span(first: str, last: str) -> Span:
    return Span(dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last))


YOURS = _span("2010-12-01 08:26", "2011-12-09 12:50")


def test_span_labels() -> None:
    assert span_label(_span("2012-01-03", "2012-02-28 17:00")) == "3 Jan – 28 Feb 2012"
    assert span_label(YOURS) == "1 Dec 2010 – 9 Dec 2011"
    assert span_label(_span("2011-12-09 08:00", "2011-12-09 12:50")) == "9 Dec 2011"


def test_reasons_say_what_the_data_shows() -> None:
    new = _span("2012-01-03", "2012-02-28")
    assert reason(Overlap("add", "continues", new, YOURS)) == (
        "Same columns, and its dates (3 Jan – 28 Feb 2012) continue yours (1 Dec 2010 – 9 Dec 2011)."
    )
    inside = _span("2011-03-01", "2011-04-30")
    assert reason(Overlap("replace", "within", inside, YOURS)) == (
        "Same columns, but its dates (1 Mar – 30 Apr 2011) lie within yours "
        "(1 Dec 2010 – 9 Dec 2011)."
    )
    columns = (("customer", "Client <ref>", "CustomerID"), ("country", None, "Country"))
    assert reason(Overlap("replace", "columns", new, YOURS, columns)) == (
        "Its columns differ from yours: customer is `Client &lt;ref&gt;` in it but `CustomerID` "
        "in yours, and 1 more."
    )


def test_the_suggested_button_comes_first_and_is_primary() -> None:
    overlap = Overlap("replace", "covers", _span("2010-01-01", "2012-01-01"), YOURS)
    blocks = append_blocks(7, "all.csv", 900_000, "a.csv", 541_909, overlap)
    text = blocks[0]["text"]["text"]
    assert text.startswith("This channel already has data (`a.csv`, 541,909 lines). Add the ")
    assert (
        "I suggest *Replace*. Same columns, but its dates (1 Jan 2010 – 1 Jan 2012) cover" in text
    )
    first, second = blocks[-1]["elements"]
    assert (first["action_id"], first["style"], first["value"]) == (
        "append_replace",
        "primary",
        "7",
    )
    assert (second["action_id"], second["value"], "style" in second) == ("append_add", "7", False)
