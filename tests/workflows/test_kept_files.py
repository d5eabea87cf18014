"""A shared file whose columns are asked for is kept once, read back by the answer, then gone."""

from __future__ import annotations

import pytest

from segmentation.errors import MappingNeeded
from segmentation.load import ReadLimits
from storage import Scope
from workflows import kept_files
from workflows.runs import Where

UNGUESSABLE = b"Ref,When,Each,Qty\nA1,2011-01-03,2.5,3\nA2,2011-02-04,1.0,1\n"


def where(tmp_path) -> Where:
    return Where(scope=Scope("T", "C"), user_id="U", db_path=tmp_path / "s.db", data_dir=tmp_path)


def load(w: Where, data: bytes, **options):
    return kept_files.load_shared(
        w,
        data,
        name="x.csv",
        mapping=None,
        currency=None,
        limits=ReadLimits.for_upload(),
        **options,
    )


def test_kept_when_asked_read_back_then_forgotten(tmp_path):
    w = where(tmp_path)
    with pytest.raises(MappingNeeded) as asked:
        load(w, UNGUESSABLE)
    kept = asked.value.kept
    assert kept.startswith("uploads/") and kept_files.kept_bytes(w, kept) == UNGUESSABLE
    with pytest.raises(MappingNeeded) as again:  # asked again: the same copy, not a second one
        load(w, UNGUESSABLE, kept=kept)
    assert again.value.kept == kept and len(list((tmp_path / "uploads").iterdir())) == 1
    export = kept_files.load_shared(
        w, UNGUESSABLE, name="x.csv", mapping={"customer": "Ref", "date": "When", "price": "Each",
        "quantity": "Qty"}, currency=None, limits=ReadLimits.for_upload(), kept=kept,
    )  # fmt: skip
    assert len(export.transactions) == 2
    assert kept_files.kept_bytes(w, kept) is None  # read: gone


def test_only_its_own_relative_paths_are_read(tmp_path):
    w = where(tmp_path)
    (tmp_path / "secret").write_bytes(b"x")
    assert kept_files.kept_bytes(w, str(tmp_path / "secret")) is None
    assert kept_files.kept_bytes(w, "../secret") is None
    kept_files.forget(w, "../secret")
    assert (tmp_path / "secret").exists()
