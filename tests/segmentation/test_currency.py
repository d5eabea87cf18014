"""The currency of an export: from a column, from symbols in the amounts, or as told."""

from __future__ import annotations

import pytest

from segmentation.currency import currency_label
from segmentation.errors import ExportError
from segmentation.load import load_export


def _load(csv: str, **options):
    return load_export(csv.encode(), name="x.csv", **options)


@pytest.mark.parametrize("header", ["Currency", "currency_code", "CurrencyCode", "CCY"])
def test_currency_column_gives_the_code(header):
    export = _load(f"customer,date,amount,{header}\na,2023-01-01,5,gbp\nb,2023-01-02,6,GBP\n")
    assert export.mapping["currency"] == header
    assert (export.currency, export.currency_source) == ("GBP", "column")
    assert export.transactions["amount"].tolist() == [5.0, 6.0]


@pytest.mark.parametrize(
    ("amounts", "code"),
    [
        (('"£12.50"', "£3"), "GBP"),
        (("$12.50", "$3"), "USD"),
        (('"12,50 €"', "3 €"), "EUR"),
        (("EUR 12.50", "12.5 EUR"), "EUR"),
    ],
)
def test_symbols_in_the_amounts_give_a_guess_with_a_note(amounts, code):
    export = _load(f"customer,date,amount\na,2023-01-01,{amounts[0]}\nb,2023-01-02,{amounts[1]}\n")
    assert (export.currency, export.currency_source) == (code, "symbols")
    assert any(f"currency to be {code}" in note for note in export.notes)
    assert export.transactions["amount"].tolist()[0] == 12.5


def test_symbols_in_the_unit_price_count_too():
    export = _load('customer,date,quantity,price\na,2023-01-01,2,"£1,234.50"\n')
    assert export.currency == "GBP" and export.transactions["amount"].tolist() == [2469.0]


def test_plain_numbers_give_no_currency():
    export = _load("customer,date,amount\na,2023-01-01,5\n")
    assert export.currency is None and export.currency_source is None
    assert not any("currency" in note for note in export.notes)


def test_mixed_currencies_give_none_and_say_so():
    export = _load("customer,date,amount\na,2023-01-01,£5\nb,2023-01-02,$6\n")
    assert export.currency is None
    assert any("more than one currency (GBP, USD)" in note for note in export.notes)


def test_the_option_overrides_detection():
    export = _load("customer,date,amount,Currency\na,2023-01-01,5,GBP\n", currency="usd")
    assert (export.currency, export.currency_source) == ("USD", "option")
    assert any("I used USD as you asked" in note for note in export.notes)
    assert _load("customer,date,amount\na,2023-01-01,5\n", currency="EUR").currency == "EUR"


@pytest.mark.parametrize("option", ["pounds", "£", "GB", "US$", ""])
def test_a_bad_option_gets_one_plain_sentence(option):
    with pytest.raises(ExportError) as caught:
        _load("customer,date,amount\na,2023-01-01,5\n", currency=option)
    message = str(caught.value)
    assert "is not a currency code" in message and "GBP" in message
    assert "Traceback" not in message


def test_currency_label():
    assert currency_label("GBP") == "£"
    assert currency_label("eur") == "€"
    assert currency_label("CHF") == "CHF"
    assert currency_label(None) == ""
