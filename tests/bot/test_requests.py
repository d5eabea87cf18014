"""The ``/segment`` parser: text to small typed requests, plain errors otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.errors import GONE, UserError
from bot.requests import (
    Customer,
    Datasets,
    Export,
    Help,
    History,
    Run,
    SetCurrency,
    Show,
    ShowCurrency,
    parse,
    parse_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("run", Run()),
        ("RUN k=4 as_of=2011-12-01", Run(k=4, as_of=dt.date(2011, 12, 1))),
        ("show", Show()),
        ("customer 12347", Customer("12347")),
        ("export", Export()),
        ("export all", Export()),
        ("export Loyal big spenders", Export("Loyal big spenders")),
        ("history", History()),
        ("datasets", Datasets()),
        ("payload", Help(unknown="payload")),
        ("show me everything", Help(unknown="show me everything")),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text", ["run k=1", "run k=11", "run k=x", "run as_of=12/1/2011", "run fast", "customer"]
)
def test_parse_rejects_with_a_plain_message(text: str) -> None:
    with pytest.raises(UserError):
        parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("currency", ShowCurrency()),
        ("currency gbp", SetCurrency("GBP")),
        ("currency auto", SetCurrency(None)),
    ],
)
def test_parse_currency(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["currency pounds", "currency GBP USD"])
def test_a_currency_that_is_not_a_code_gets_a_plain_answer(text: str) -> None:
    with pytest.raises(UserError, match="currency code"):
        parse(text)


@pytest.mark.parametrize("value", ["1" * 40, "²", "-1", "", " ", "1.0", "12a", 10**30])
def test_an_id_out_of_bounds_or_not_digits_is_gone_before_storage(value) -> None:
    with pytest.raises(UserError) as e:
        parse_id(value)
    assert str(e.value) == GONE


def test_ids_within_bounds() -> None:
    assert (parse_id(" 42 "), parse_id("9" * 18), parse_id(7)) == (42, int("9" * 18), 7)
