"""A run's data fingerprint: the same transactions give the same one whatever the as-of, one
changed line changes it; and the run a digest reported, per channel."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

import storage
from segmentation.pipeline import segment_transactions
from storage.fingerprints import customer_data, data_fingerprint
from tests.storage.conftest import ELSEWHERE, HERE


def test_the_fingerprint_ignores_the_as_of_and_sees_one_new_line(small_export) -> None:
    t = small_export.transactions
    rows_read = small_export.rows_read
    to_the_data = segment_transactions(t, rows_read=rows_read, k=3)
    years_later = segment_transactions(t, rows_read=rows_read, k=4, as_of=dt.date(2030, 4, 1))
    assert years_later.customers["recency_days"].min() > 6000  # every recency is different…
    assert data_fingerprint(years_later) == data_fingerprint(to_the_data)  # …the data is not
    assert customer_data(years_later.customers, "2030-04-01").equals(
        customer_data(to_the_data.customers, to_the_data.summary.as_of)
    )
    customer = str(t["customer_id"].dropna().iloc[0])
    one_more = t.iloc[[0]].assign(timestamp=t["timestamp"].max(), invoice="999999")
    categories = {c: "category" for c in t.columns if isinstance(t[c].dtype, pd.CategoricalDtype)}
    grown = pd.concat(
        [frame.astype({c: object for c in categories}) for frame in (t, one_more)],
        ignore_index=True,
    ).astype(categories)
    grown_result = segment_transactions(grown, rows_read=rows_read + 1, k=3)
    assert data_fingerprint(grown_result) != data_fingerprint(to_the_data)
    before = customer_data(to_the_data.customers, to_the_data.summary.as_of)
    after = customer_data(grown_result.customers, grown_result.summary.as_of)
    assert list(before.index[(before != after).any(axis=1).to_numpy()]) == [customer]
    # The audit counts take part: the same customers read from a file with one more bad line.
    more_read = dataclasses.replace(
        to_the_data,
        summary=dataclasses.replace(to_the_data.summary, rows_read=rows_read + 1),
    )
    assert data_fingerprint(more_read) != data_fingerprint(to_the_data)


def test_finished_runs_store_it_and_a_digest_marks_the_run_it_reported(
    db, add_run, small_result
) -> None:
    first, second = add_run(db), add_run(db)
    other = add_run(db, ELSEWHERE[0])
    run = storage.run_for(db, first, HERE)
    assert run.fingerprint == data_fingerprint(small_result)
    assert storage.runs_for(db, HERE)[0].fingerprint == run.fingerprint
    assert storage.digested_run(db, HERE) is None
    assert storage.mark_digested(db, first, HERE)
    assert not storage.mark_digested(db, other, HERE)  # another channel's run
    assert storage.digested_run(db, HERE).id == first
    assert storage.digested_run(db, ELSEWHERE[0]) is None
    assert storage.mark_digested(db, second, HERE)
    assert storage.digested_run(db, HERE).id == second
