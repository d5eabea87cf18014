"""Pending uploads in a real SQLite file: kept with their lines, superseded by a newer one,
decided once, never seen from another channel."""

from __future__ import annotations

import storage
from segmentation.load import ExportRecord
from storage.appends import (
    decide_pending,
    open_pending_upload,
    pending_transactions,
    pending_upload,
    remove_pending_file,
    set_pending_question,
)
from tests.storage.conftest import ELSEWHERE, HERE


def _open(db, db_path, export, base_id: int, name: str = "more.csv") -> int:
    record = ExportRecord(
        file_name=name,
        sha256="ab" * 32,
        file_format="csv",
        mapping=dict(export.mapping),
        currency="GBP",
        date_order="MDY",
        notes=("Dates read month-first.",),
        rows_read=export.table.num_rows + 2,
    )
    return open_pending_upload(
        db,
        HERE,
        record,
        transactions=export.table,
        data_dir=storage.data_dir(db_path),
        user_id="U1",
        base_dataset_id=base_id,
        slack_file_id="F1",
        suggested="add",
    )


def test_kept_decided_once_and_private_to_the_channel(db, db_path, add_dataset, small_export):
    base = add_dataset(db)
    assert storage.holding_bytes(db, HERE, storage.dataset_for(db, base, HERE).sha256) is not None
    assert storage.holding_bytes(db, HERE, "ab" * 32) is None
    first = _open(db, db_path, small_export, base)
    second = _open(db, db_path, small_export, base, name="newer.csv")
    assert pending_upload(db, HERE, first).state == "superseded"
    data_dir = storage.data_dir(db_path)
    assert pending_transactions(db, HERE, first, data_dir=data_dir) is None  # its file went
    found = pending_upload(db, HERE, second)
    assert (found.state, found.export.file_name, found.lines) == (
        "open",
        "newer.csv",
        found.export.rows_read - 2,
    )
    assert found.export == ExportRecord(
        file_name="newer.csv",
        sha256="ab" * 32,
        file_format="csv",
        mapping=small_export.mapping,
        currency="GBP",
        date_order="MDY",
        notes=("Dates read month-first.",),
        rows_read=len(small_export.transactions) + 2,
    )
    set_pending_question(db, second, thread_ts="1.0")
    set_pending_question(db, second, question_ts="2.0")
    assert (
        pending_upload(db, HERE, second).thread_ts,
        pending_upload(db, HERE, second).question_ts,
    ) == ("1.0", "2.0")
    lines = pending_transactions(db, HERE, second, data_dir=data_dir)
    assert lines.equals(small_export.table)  # kept as loaded, Arrow to Arrow
    for other in ELSEWHERE:
        assert pending_upload(db, other, second) is None
        assert pending_transactions(db, other, second, data_dir=data_dir) is None
        assert not decide_pending(db, other, second, "add", was="open")
    assert decide_pending(db, HERE, second, "add", was="open", user_id="U2")
    assert not decide_pending(db, HERE, second, "replace", was="open", user_id="U3")
    assert (
        pending_upload(db, HERE, second).state,
        pending_upload(db, HERE, second).decided_by,
    ) == ("add", "U2")
    remove_pending_file(db, HERE, second, data_dir=data_dir)
    assert pending_transactions(db, HERE, second, data_dir=data_dir) is None
