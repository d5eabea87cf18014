"""An export's facts travel as one record: read once, stored as one column, and what a later
run of the stored data says about how the file was read is what the upload's run said."""

from __future__ import annotations

import hashlib
from pathlib import Path

import storage
from segmentation.load import ExportRecord, load_export
from segmentation.summary import RunParams
from storage import Scope
from workflows.runs import Outcome, Where
from workflows.segmenting import segment_stored, segment_upload

# Day-first dates (31/12 cannot be month-first) and prices with a pound sign: the reader says so.
LINES = [
    "Invoice,Customer,Date,Qty,Price",
    *(
        f"{n},{100 + n % 7},{1 + n % 28:02d}/{1 + n % 12:02d}/2011 10:00,{1 + n % 3},£{2 + n % 5}.50"
        for n in range(1, 400)
    ),
    "400,101,31/12/2011 10:00,1,£3.50",
]


def where(tmp_path: Path) -> Where:
    return Where(
        scope=Scope("T1", "C1"), user_id="U1", db_path=tmp_path / "segbot.db",
        data_dir=tmp_path / "segbot-data",
    )  # fmt: skip


def test_the_record_is_what_loading_read(tmp_path):
    data = "\n".join(LINES).encode()
    export = load_export(data, name="orders.csv")
    assert export.record == ExportRecord(
        file_name="orders.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        file_format="csv",
        mapping=export.mapping,
        date_order="day-first",
        notes=tuple(export.notes),
        currency="GBP",
        rows_read=400,
    )
    assert ExportRecord.from_json(export.record.to_json()) == export.record


def test_a_re_run_says_how_the_file_was_read_as_the_upload_did(tmp_path):
    w = where(tmp_path)
    export = load_export("\n".join(LINES).encode(), name="orders.csv")
    first = segment_upload(w, export)
    assert isinstance(first, Outcome)
    with storage.connect(w.db_path) as db:
        dataset = storage.dataset_for(db, first.dataset_id, w.scope)
    assert dataset.export == export.record  # one column, read back whole
    again = segment_stored(w, first.dataset_id, RunParams(k=2), trigger="command")
    said = lambda s: (s.date_order, s.notes, s.currency, dict(s.mapping), s.rows_read)  # noqa: E731
    assert said(again.summary) == said(first.summary)
    assert first.summary.date_order == "day-first" and first.summary.currency == "GBP"
