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
    assert list(selects)[:2] == ["map_column_customer", "map_column_price"]
    customer = selects["map_column_customer"]
    assert customer["type"] == "static_select"
    assert [o["text"]["text"] for o in customer["options"]] == list(headers)
    assert customer["initial_option"] == customer["options"][1]
    assert customer["options"][1]["value"] == "7:customer:1"
    assert "initial_option" not in selects["map_column_price"]
    button = blocks[-1]["elements"][0]
    assert (button["action_id"], button["value"]) == ("map_segment", "7")


def test_the_product_and_contact_fields_follow_as_optional_selects() -> None:
    headers = ("Buyer", "Shopper", "When", "Each", "Goods", "Shelf", "Mail")
    chosen = {"customer": "Buyer", "product": "Goods"}
    blocks = mapping_blocks(7, "a.csv", headers, ("customer", "date", "amount"), chosen)
    selects = _selects(blocks)
    optional = ["product", "product_name", "category", "email", "phone", "first_name",
                "last_name", "full_name", "postcode", "country"]  # fmt: skip
    assert list(selects) == [f"map_column_{f}" for f in ("customer", "date", "amount", *optional)]
    labels = {b["accessory"]["action_id"]: b["text"]["text"] for b in blocks if "accessory" in b}
    assert labels["map_column_customer"] == "*Customer (who bought)*"
    assert labels["map_column_product"] == "*Product code (what was bought)* (optional)"
    assert labels["map_column_category"] == "*Product category* (optional)"
    assert labels["map_column_email"] == "*E-mail* (optional)"
    product = selects["map_column_product"]
    assert product["initial_option"] == {"text": {"type": "plain_text", "text": "Goods"},
                                         "value": "7:product:4"}  # fmt: skip
    assert "initial_option" not in selects["map_column_category"]  # left to the loader
    assert "Optional: what was bought" in str(blocks)
    assert blocks[-1]["elements"][0]["action_id"] == "map_segment"
    # The most a question can hold: three missing fields, ten optional, 150 columns.
    many = tuple(f"Column {i}" for i in range(150))
    assert len(mapping_blocks(1, "b.csv", many, ("customer", "date", "amount"), {})) == 17 <= 50


def test_at_most_100_options_of_75_characters_and_names_escaped() -> None:
    headers = tuple(f"Column {i} " + "x" * 100 for i in range(150))
    blocks = mapping_blocks(1, "<!channel>.csv", headers, ("customer",), {})
    for select in _selects(blocks).values():
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
