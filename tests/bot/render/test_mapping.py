"""The column-mapping message: selects of the file's columns, guesses preselected, Slack's
limits kept; and the typed error the loader raises for it."""

from __future__ import annotations

import pickle

import pytest

from bot.render.mapping import mapped_text, mapping_blocks
from segmentation.errors import ExportError, MappingNeeded
from segmentation.load.columns import match_columns


def _selects(blocks: list[dict]) -> dict[str, dict]:
    return {b["accessory"]["action_id"]: b["accessory"] for b in blocks if "accessory" in b}


def test_one_select_per_missing_field_with_the_guess_preselected() -> None:
    headers = ("Buyer", "Shopper", "When", "Each", "Qty")
    blocks = mapping_blocks(7, "a.csv", headers, ("customer", "price"), {"customer": "Shopper"})
    selects = _selects(blocks)
    assert list(selects) == ["map_column_customer", "map_column_price"]
    customer = selects["map_column_customer"]
    assert customer["type"] == "static_select"
    assert [o["text"]["text"] for o in customer["options"]] == list(headers)
    assert customer["initial_option"] == customer["options"][1]
    assert customer["options"][1]["value"] == "7:customer:1"
    assert "initial_option" not in selects["map_column_price"]
    button = blocks[-1]["elements"][0]
    assert (button["action_id"], button["value"]) == ("map_segment", "7")


def test_at_most_100_options_of_75_characters_and_names_escaped() -> None:
    headers = tuple(f"Column {i} " + "x" * 100 for i in range(150))
    blocks = mapping_blocks(1, "<!channel>.csv", headers, ("customer",), {})
    (select,) = _selects(blocks).values()
    assert len(select["options"]) == 100
    assert max(len(o["text"]["text"]) for o in select["options"]) <= 75
    assert "first 100 of 150 columns" in str(blocks)
    assert "<!channel>" not in blocks[0]["text"]["text"]
    assert "`&lt;!channel&gt;.csv`" in mapped_text("<!channel>.csv", {"customer": "A"})


def test_loader_raises_the_typed_error_with_its_message_unchanged() -> None:
    with pytest.raises(MappingNeeded) as caught:
        match_columns(["Buyer", "Shopper", "InvoiceDate", "Quantity", "Each"])
    error = caught.value
    assert isinstance(error, ExportError)
    assert str(error).startswith("I couldn't find these columns: customer")
    assert 'e.g. `customer="Buyer"`' in str(error)
    assert error.missing == ("customer", "price")
    assert error.headers == ("Buyer", "Shopper", "InvoiceDate", "Quantity", "Each")
    assert error.guesses["customer"] == "Buyer"
    again = pickle.loads(pickle.dumps(error))  # crosses the worker process boundary whole
    assert (again.missing, again.headers, again.guesses, str(again)) == (
        error.missing, error.headers, error.guesses, str(error),
    )  # fmt: skip
    with pytest.raises(MappingNeeded) as caught:
        match_columns(["Who", "When", "Value"])
    assert caught.value.missing == ("customer",)
    with pytest.raises(MappingNeeded) as caught:
        match_columns(["CustomerID", "InvoiceDate", "Note"])
    assert caught.value.missing == ("amount",)
