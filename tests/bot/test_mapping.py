"""Column mapping from Slack, end to end: an upload whose columns cannot be guessed is answered
with selects and a *Segment* button (block_actions as Slack sends them), ``/segment map``
does the same from the composer, and the columns are remembered for the same header."""

from __future__ import annotations

import json

import pytest

import storage
from localslack import payloads
from localslack.files_and_hooks import Hook
from storage import Scope
from storage.mappings import ANY_HEADER, header_hash, mapping_request, remembered_mapping
from tests.bot.conftest import Running
from tests.bot.helpers import products_frame, say, wait_results

HEADERS = ("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "Each", "Buyer", "Shopper")


@pytest.fixture(scope="session")
def unguessable_csv() -> bytes:
    """The sample export with the customer in two columns that tie ("Buyer", "Shopper") and
    the unit price in a column named "Each": customer and price cannot be guessed."""
    from segmentation.sample import sample_export

    frame, _ = sample_export(rows=3000, seed=5)
    out = frame.assign(InvoiceDate=frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M"))
    out = out.rename(columns={"UnitPrice": "Each", "CustomerID": "Buyer"})
    out["Shopper"] = out["Buyer"]
    return out[list(HEADERS)].to_csv(index=False).encode()


def _share(env: Running, content: bytes, name: str = "clients.csv") -> str:
    shared = env.slack.share_file(
        channel_id=env.channel, user_id=env.user, name=name, content=content
    )
    return shared["ts"]


def _question(env: Running, thread_ts: str) -> dict:
    """The message asking for the columns, in the upload's thread."""
    env.slack.wait_for(
        "chat.postMessage", where=lambda c: "map_segment" in str(c.body.get("blocks")), timeout=60
    )
    return next(
        m
        for m in env.slack.messages(env.channel, thread_ts=thread_ts)
        if "map_segment" in json.dumps(m.get("blocks", []))
    )


def _selects(message: dict) -> dict[str, dict]:
    return {
        b["accessory"]["action_id"]: b["accessory"]
        for b in message["blocks"]
        if b.get("accessory", {}).get("type") == "static_select"
    }


def _value_of(select: dict, column: str) -> str:
    return next(o["value"] for o in select["options"] if o["text"]["text"] == column)


def _click_again(env: Running, question: dict) -> None:
    """*Segment* on the question as it was: the block_actions payload Slack sends for it."""
    slack = env.slack
    block_id, button = payloads.find_element(question["blocks"], "map_segment")
    action = {**button, "block_id": block_id, "action_ts": "1.0"}
    channel = {"id": env.channel, "name": "marketing"}
    container = {"type": "message", "message_ts": question["ts"], "channel_id": env.channel}
    payload = payloads.block_actions(
        team_id=slack.team_id,
        user={"id": env.user, "name": "ana"},
        channel=channel,
        container={**container, "is_ephemeral": False},
        message=question,
        action=action,
        state={"values": {}},
        response_url=slack._hook_url("actions", Hook(env.channel, env.user)),  # as Slack issues
    )
    assert slack.send_interaction(payload).status == 200


def _scope(env: Running) -> Scope:
    return Scope(env.slack.team_id, env.channel)


def test_selects_and_segment_button_then_the_same_header_is_remembered(
    running: Running, unguessable_csv: bytes
) -> None:
    env, slack = running, running.slack
    ts = _share(env, unguessable_csv)
    question = _question(env, ts)
    status = slack.messages(env.channel, thread_ts=ts)[0]["text"]
    assert "I couldn't find these columns" in status  # the loader's own sentence, unchanged
    selects = _selects(question)
    assert list(selects)[:2] == ["map_column_customer", "map_column_price"]
    assert "map_column_product" in selects and "map_column_date" not in selects
    customer = selects["map_column_customer"]
    assert [o["text"]["text"] for o in customer["options"]] == list(HEADERS)
    assert customer["initial_option"]["text"]["text"] == "Buyer"  # the tie's first, preselected
    assert "initial_option" not in selects["map_column_price"]
    # Segment before every field has a column: one sentence, nothing queued.
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=question["ts"], action_id="map_segment"
    )
    slack.wait_for("hook", where=lambda c: "Pick a column for price first" in str(c.body))
    slack.choose_option(
        channel_id=env.channel,
        user_id=env.user,
        message_ts=question["ts"],
        action_id="map_column_price",
        selected_value=_value_of(selects["map_column_price"], "Each"),
    )
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=question["ts"], action_id="map_segment"
    )
    (results,) = wait_results(slack, env.channel)
    assert results["thread_ts"] == ts
    assert len(slack.calls("files-pri")) == 1  # the answer read the kept bytes: one download
    assert not list((env.settings.data_dir / "uploads").iterdir())  # and removed them
    answered = slack.messages(env.channel, thread_ts=ts)
    replaced = next(m for m in answered if m["ts"] == question["ts"])
    assert "map_segment" not in json.dumps(replaced.get("blocks", []))
    assert "price = `Each`" in replaced["text"]
    with storage.connect(env.settings.db_path) as db:
        request = mapping_request(db, _scope(env), None)
        assert request is None  # used, no longer waiting
        dataset = storage.latest_dataset(db, _scope(env))
    assert dataset.mapping["customer"] == "Buyer" and dataset.mapping["price"] == "Each"
    # A second click (sent before Slack showed the replaced message) queues nothing twice.
    _click_again(env, question)
    slack.wait_for("hook", where=lambda c: "already being segmented" in str(c.body))
    # The same header again (other lines): read straight away with the remembered columns, so
    # the next question is whether it adds to the channel's data, not which column is which.
    slack.clear_calls()
    june = unguessable_csv.rsplit(b"\n", 2)[0] + b"\n"  # one line fewer: other bytes
    again = _share(env, june, name="clients-june.csv")
    slack.wait_for(
        "chat.postMessage", where=lambda c: "append_add" in str(c.body.get("blocks")), timeout=60
    )
    asked = [m for m in slack.messages(env.channel, thread_ts=again) if "append_add" in str(m)]
    assert len(asked) == 1 and "`clients-june.csv`" in asked[0]["text"]
    assert not any(
        "map_segment" in str(c.body.get("blocks")) for c in slack.calls("chat.postMessage")
    )


def test_segment_map_command_checks_columns_then_runs_the_waiting_upload(
    running: Running, unguessable_csv: bytes
) -> None:
    env, slack = running, running.slack
    ts = _share(env, unguessable_csv)
    question = _question(env, ts)
    reply = say(slack, "map customer=Nobody price=Each", channel=env.channel, user=env.user)
    assert reply.startswith("`clients.csv` has no column `Nobody`: its columns are `InvoiceNo`")
    assert "is not a field I use" in say(
        slack, "map colour=Each", channel=env.channel, user=env.user
    )
    assert "quote is not closed" in say(
        slack, 'map customer="Shop', channel=env.channel, user=env.user
    )
    with storage.connect(env.settings.db_path) as db:  # nothing stored half
        assert mapping_request(db, _scope(env), None).state == "open"
        assert db["column_mappings"].count == 0
    reply = say(slack, 'map customer="shopper" price=Each', channel=env.channel, user=env.user)
    assert reply.startswith("Segmenting `clients.csv` again")
    (results,) = wait_results(slack, env.channel)
    assert results["thread_ts"] == ts
    replaced = next(
        m for m in slack.messages(env.channel, thread_ts=ts) if m["ts"] == question["ts"]
    )
    assert "customer = `Shopper`" in replaced["text"]
    with storage.connect(env.settings.db_path) as db:
        assert storage.latest_dataset(db, _scope(env)).mapping["customer"] == "Shopper"


def test_a_mapping_given_first_is_used_for_the_next_upload_that_needs_it(
    running: Running, unguessable_csv: bytes
) -> None:
    env, slack = running, running.slack
    reply = say(slack, 'map customer="Shopper" price="Each"', channel=env.channel, user=env.user)
    assert "No upload here is waiting for its columns" in reply
    with storage.connect(env.settings.db_path) as db:
        assert remembered_mapping(db, _scope(env), ANY_HEADER) == {
            "customer": "Shopper",
            "price": "Each",
        }
    ts = _share(env, unguessable_csv)
    (results,) = wait_results(slack, env.channel)
    assert results["thread_ts"] == ts
    with storage.connect(env.settings.db_path) as db:
        assert remembered_mapping(db, _scope(env), ANY_HEADER) is None  # now kept by header
        assert storage.latest_dataset(db, _scope(env)).mapping["customer"] == "Shopper"


def test_products_mapped_in_the_question_name_what_each_segment_buys(running: Running) -> None:
    """The customer in two columns that tie, the price in "Each", and the product's code, name
    and category under headers nothing guesses: picked in the question's optional selects."""
    env, slack = running, running.slack
    frame = products_frame("Teapot", "Tea things").rename(columns={
        "StockCode": "Goods", "Description": "Label", "Category": "Shelf", "UnitPrice": "Each",
        "CustomerID": "Buyer",
    })  # fmt: skip
    frame["Shopper"] = frame["Buyer"]
    ts = _share(env, frame.to_csv(index=False).encode(), name="shop.csv")
    question = _question(env, ts)
    selects = _selects(question)
    for field, column in (("price", "Each"), ("product", "Goods"), ("product_name", "Label"),
                          ("category", "Shelf")):  # fmt: skip
        slack.choose_option(
            channel_id=env.channel, user_id=env.user, message_ts=question["ts"],
            action_id=f"map_column_{field}",
            selected_value=_value_of(selects[f"map_column_{field}"], column),
        )  # fmt: skip
    slack.click_button(
        channel_id=env.channel, user_id=env.user, message_ts=question["ts"], action_id="map_segment"
    )
    (results,) = wait_results(slack, env.channel)
    said = json.dumps(results["blocks"], ensure_ascii=False)
    assert "Buys more than the rest: Teapot (50% of them, 4.0×)" in said
    assert "Categories: Tea things (100% of them" in said
    assert "such as Teapot (bought by 30 customers here" in said  # a strategy names it
    with storage.connect(env.settings.db_path) as db:
        dataset = storage.latest_dataset(db, _scope(env))
        remembered = remembered_mapping(db, _scope(env), header_hash(tuple(frame.columns)))
    assert {f: dataset.mapping[f] for f in ("product", "product_name", "category")} == {
        "product": "Goods", "product_name": "Label", "category": "Shelf",
    }  # fmt: skip
    assert remembered is not None and remembered["product"] == "Goods"
