"""Lines of history: *Add* continues the channel's data, *Replace* starts anew, and a digest
never compares across a replacement (nor charts both in one size history)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import storage
from segmentation.load import load_export
from segmentation.sample import sample_export
from storage import Scope
from workflows.appends import AppendQuestion
from workflows.digest.history import SIZES_CHART, size_history
from workflows.digest.refresh import RefreshRequest, refresh
from workflows.runs import Outcome, Where
from workflows.segmenting import segment_chosen, segment_upload

SCOPE = Scope("T1", "C1")


@pytest.fixture(scope="module")
def exports() -> dict[str, bytes]:
    """One store's first 4,000 lines and the 3,000 after them; another store's 3,000 lines."""
    ours, _ = sample_export(rows=7000, seed=3)
    theirs, _ = sample_export(rows=3000, seed=8)
    theirs = theirs.assign(CustomerID=theirs["CustomerID"] + 50_000)  # other people

    def csv(part: pd.DataFrame) -> bytes:
        dates = part["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M")
        return part.assign(InvoiceDate=dates).to_csv(index=False).encode()

    return {"a": csv(ours.iloc[:4000]), "b": csv(ours.iloc[4000:7000]), "other": csv(theirs)}


def where(tmp_path: Path) -> Where:
    return Where(
        scope=SCOPE, user_id="U1", db_path=tmp_path / "segbot.db", data_dir=tmp_path / "data"
    )


def digest(w: Where):
    """A digest's refresh, posted: its run is what the next digest compares with."""
    made = refresh(
        RefreshRequest(
            db_path=w.db_path, data_dir=w.data_dir, scope=SCOPE, as_of=dt.date(2026, 12, 7),
            trigger="command", requested_by="U1",
        )
    )  # fmt: skip
    with storage.connect(w.db_path) as db:
        assert storage.mark_digested(db, made.run_id, SCOPE)
    return made


def upload_then(w: Where, content: bytes, name: str, choice: str) -> Outcome:
    asked = segment_upload(w, load_export(content, name=name))
    assert isinstance(asked, AppendQuestion)
    return segment_chosen(w, asked.append_id, choice)


def test_a_digest_after_replace_compares_nothing_and_charts_only_the_new_line(tmp_path, exports):
    w = where(tmp_path)
    assert isinstance(segment_upload(w, load_export(exports["a"], name="a.csv")), Outcome)
    digest(w)
    upload_then(w, exports["other"], "other.csv", "replace")
    after = digest(w)
    assert after.replaced == "a.csv" and after.dataset_name == "other.csv"
    assert (after.previous_run_id, after.movement, after.data_change, after.gone) == (
        None,
        None,
        None,
        (),
    )
    assert SIZES_CHART not in after.charts
    with storage.connect(w.db_path) as db:
        sizes, _ = size_history(db, SCOPE)
        runs = storage.runs_for(db, SCOPE)
    assert len(sizes) == 1  # the replacement's runs, one point: the same data
    lines = {r.file_name: r.line for r in runs}
    assert lines["a.csv"] != lines["other.csv"]


def test_a_digest_after_add_compares_with_the_data_before(tmp_path, exports):
    w = where(tmp_path)
    segment_upload(w, load_export(exports["a"], name="a.csv"))
    first = digest(w)
    upload_then(w, exports["b"], "b.csv", "add")
    after = digest(w)
    assert after.replaced is None and after.dataset_name == "a.csv + b.csv"
    assert after.previous_run_id is not None and after.previous_run_id >= first.run_id - 1
    assert after.movement is not None and after.data_change is not None
    with storage.connect(w.db_path) as db:
        sizes, _ = size_history(db, SCOPE)
    assert len(sizes) == 2  # a, then a + b: one line of history
