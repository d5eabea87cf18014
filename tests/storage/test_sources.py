"""A channel's source binding and the dataset row standing for a source, in a real SQLite file."""

from __future__ import annotations

import storage
from storage import ChannelSource

from .conftest import ELSEWHERE, HERE


def test_bind_replace_and_unbind_per_channel(db) -> None:
    assert storage.channel_source(db, HERE) is None
    bound = storage.bind_source(db, HERE, "shop", user_id="U1")
    assert storage.channel_source(db, HERE) == bound
    assert (bound.source, bound.bound_by, bound.channel_id) == ("shop", "U1", HERE.channel_id)
    assert all(storage.channel_source(db, other) is None for other in ELSEWHERE)
    again = storage.bind_source(db, HERE, "archive", user_id="U2")
    assert storage.channel_source(db, HERE) == again
    assert isinstance(again, ChannelSource) and again.source == "archive"
    assert storage.unbind_source(db, HERE) is True
    assert storage.channel_source(db, HERE) is None
    assert storage.unbind_source(db, HERE) is False


def test_one_dataset_row_per_channel_and_source_without_a_file(
    db, db_path, add_dataset, small_result
) -> None:
    uploaded = add_dataset(db)
    first = storage.source_dataset(db, HERE, source="shop", kind="database", user_id="U1")
    assert first.id != uploaded
    assert (first.source, first.file_name, first.file_format) == ("shop", "shop", "database")
    assert first.rows_read is None and first.customers is None
    assert storage.source_dataset(db, HERE, source="shop", kind="database", user_id="U2") == first
    elsewhere = storage.source_dataset(
        db, ELSEWHERE[0], source="shop", kind="database", user_id=None
    )
    assert elsewhere.id != first.id
    assert storage.latest_dataset(db, HERE) == first
    # No transactions file: a run of it must read the source.
    data_dir = storage.data_dir(db_path)
    assert storage.load_transactions(db, first.id, HERE, data_dir=data_dir) is None
    assert storage.load_transactions(db, uploaded, HERE, data_dir=data_dir) is not None

    storage.update_source_dataset(db, first.id, HERE, small_result.summary)
    counted = storage.dataset_for(db, first.id, HERE)
    summary = small_result.summary
    assert (counted.rows_read, counted.rows_kept, counted.customers) == (
        summary.rows_read, summary.rows_kept, summary.customers,
    )  # fmt: skip
    assert counted.last_purchase == summary.last_purchase
    # An uploaded dataset is never overwritten by a source's counts.
    storage.update_source_dataset(db, uploaded, HERE, small_result.summary)
    assert storage.dataset_for(db, uploaded, HERE).source is None
