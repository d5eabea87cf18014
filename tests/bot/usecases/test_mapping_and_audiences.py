"""Pure parts of column mapping and audiences: ``/segment map`` and ``export … as`` parsing (meta,
google, email) and the stored mappings; the lists themselves are tested in segmentation."""

from __future__ import annotations

from pathlib import Path

import pytest

import storage
from bot.errors import UserError
from bot.requests import Export, Map, parse
from bot.usecases.ask_mapping import column_in, fits
from storage import Scope
from storage.mappings import (
    ANY_HEADER,
    choose_column,
    header_hash,
    mapping_request,
    open_mapping_request,
    remember_mapping,
    remembered_mapping,
    set_mapping_request_state,
)


def test_map_parsing_takes_quoted_and_smart_quoted_names() -> None:
    assert parse('map customer="Client Ref" date=Day') == Map(
        (("customer", "Client Ref"), ("date", "Day"))
    )
    assert parse("map Customer=“Client Ref”") == Map((("customer", "Client Ref"),))
    for bad, says in (
        ("map", "Tell me which column"),
        ("map customer", "I don't understand `customer`"),
        ('map customer="Client', "A quote is not closed"),
        ("map =x", "I don't understand"),
    ):
        with pytest.raises(UserError, match=says):
            parse(bad)


def test_export_as_an_audience() -> None:
    assert parse("export") == Export(None, None)
    assert parse("export 2 as Meta") == Export("2", "meta")
    assert parse("export as google") == Export(None, "google")
    assert parse("export all as google") == Export(None, "google")
    assert parse("export Big spenders as meta") == Export("Big spenders", "meta")
    assert parse("export the class") == Export("the class", None)
    assert parse("export Champions as EMAIL") == Export("Champions", "email")
    with pytest.raises(UserError, match="not `tiktok`"):
        parse("export as tiktok")


def test_columns_are_found_as_written_or_normalised() -> None:
    headers = ("Client Ref", "Day")
    assert column_in(headers, "client_ref") == "Client Ref"
    assert column_in(headers, "Nope") is None
    assert fits({"customer": "client ref"}, headers) and not fits({"date": "When"}, headers)


def test_stored_requests_and_mappings(tmp_path: Path) -> None:
    scope, other = Scope("T", "C"), Scope("T", "D")
    fields = dict(
        user_id="U", file_id="F1", file_name="a.csv", url="https://files/a", size=10,
        thread_ts="1.1", status_ts="1.2", headers=("A", "B"), missing=("customer",),
        choices={"customer": "A"},
    )  # fmt: skip
    kept = tmp_path / "data" / "uploads" / "a.upload"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"A,B\n1,2\n")
    with storage.connect(tmp_path / "s.db") as db:
        data_dir = tmp_path / "data"
        first = open_mapping_request(
            db, scope, data_dir=data_dir, kept="uploads/a.upload", **fields
        )
        assert mapping_request(db, scope, first).kept == "uploads/a.upload" and kept.exists()
        second = open_mapping_request(db, scope, data_dir=data_dir, **{**fields, "file_id": "F2"})
        assert mapping_request(db, scope).id == second  # the latest open one
        assert mapping_request(db, scope, first).state == "replaced"
        assert not kept.exists()  # no answer can use the replaced request's file
        assert mapping_request(db, other) is None and mapping_request(db, other, second) is None
        choose_column(db, scope, second, "customer", "B")
        assert mapping_request(db, scope, second).choices == {"customer": "B"}
        assert set_mapping_request_state(db, scope, second, "used", was="open")
        assert not set_mapping_request_state(db, scope, second, "used", was="open")
        digest = header_hash(("A", "B"))
        assert digest != header_hash(("B", "A"))
        remember_mapping(db, scope, digest, {"customer": "B"}, user_id="U")
        remember_mapping(db, scope, ANY_HEADER, {"customer": "A"}, user_id="U")
        assert remembered_mapping(db, scope, digest) == {"customer": "B"}
        assert remembered_mapping(db, other, digest) is None
