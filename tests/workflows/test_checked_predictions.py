"""A digest counts "newly gone" only from predictions checked on the export's own history: a
baseline run stored before predictions were checked brings none of its own."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from segmentation.facts import PREDICTED, has_predictions
from segmentation.summary import RunParams, RunSummary
from storage import RunRecord
from workflows.digest.assemble import Compared, checked_predictions

CUSTOMERS = pd.DataFrame(
    {"segment": [0, 1], "total_spend": [10.0, 20.0], "p_active": [0.2, 0.99],
     "expected_orders_90d": [0.1, 2.0], "expected_value_90d": [1.0, 40.0]},
    index=pd.Index(["A", "B"], name="customer_id"),
)  # fmt: skip


def baseline(check: str | None) -> Compared:
    summary = RunSummary(
        rows_read=2, rows_kept=2, customers=2, total_spend=30.0, dropped={}, cancellations=0,
        cancelled_lines=0, duplicate_lines=0, first_purchase=None, last_purchase=None,
        as_of=dt.date(2011, 12, 10), k=2, k_reason="", prediction_check=check,
    )  # fmt: skip
    run = RunRecord(
        id=1, dataset_id=1, team_id="T", channel_id="C", trigger="upload", status="done",
        error=None, params=RunParams(), k=2, as_of="2011-12-10", requested_by=None,
        created_at="2026-12-07T00:00:00", finished_at=None, file_name="a.csv", customers=2,
        summary=summary,
    )  # fmt: skip
    return Compared(run, (), CUSTOMERS)


def test_unchecked_predictions_of_an_older_run_are_left_out():
    older = checked_predictions(baseline(None))
    assert not has_predictions(older) and older[list(PREDICTED)].isna().all().all()
    assert older.drop(columns=list(PREDICTED)).equals(CUSTOMERS.drop(columns=list(PREDICTED)))


def test_checked_predictions_are_kept():
    checked = baseline("Checked on this export: fitted to 1998-04-01, …")
    assert checked_predictions(checked) is CUSTOMERS
