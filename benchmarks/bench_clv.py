"""Lifetime value (MBG/NBD + Gamma-Gamma): fit time, and holdout accuracy against a naive rate.

Fit time: ``segmentation.clv.predict_customers`` (both fits and the predictions) on segbot's
customer table for the real UCI export and its 10× copy; median of 5 after a warm-up.
Holdout: fit on a calibration period, predict each customer's purchases in the period that
follows, and compare with what they did, for the model and for a naive baseline (each
customer's past repeat rate × the holdout length), on CDNOW (to 1997-09-30, then 39 weeks)
and UCI (to 2011-09-09, then to 2011-12-09). The check segbot runs before showing predictions,
and the models compared on it, are in bench_predictions.py.

    python benchmarks/bench_clv.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import REAL_PARQUET, cached  # noqa: E402
from segmentation.clv import frequency_recency_age, predict_customers  # noqa: E402
from segmentation.clv_data import calibration_summary, read_cdnow  # noqa: E402
from segmentation.clv_mbg import fit_mbgnbd  # noqa: E402
from segmentation.engine import prepare_frame  # noqa: E402
from segmentation.load import load_export  # noqa: E402
from segmentation.pipeline import segment_export  # noqa: E402

CDNOW = Path(__file__).resolve().parent.parent / "tests" / "data" / "CDNOW_sample.txt"
FIT_BUDGET_S = {"UCI real": 0.5, "UCI 10×": 3.0}
UCI_AS_OF = dt.date(2011, 9, 10)  # calibration is every order before this day
UCI_END = dt.date(2011, 12, 10)  # the data end on 2011-12-09


def fit_seconds(customers: pd.DataFrame, repeat: int = 5) -> float:
    """Median wall time of ``predict_customers`` after one warm-up call."""
    predict_customers(customers)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        predict_customers(customers)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fit_table() -> list[dict]:
    """One row per data set: customers, distinct (x, t_x, T) histories, median fit time."""
    rows = []
    for name, path in (("UCI real", REAL_PARQUET), ("UCI 10×", cached("tenfold.parquet"))):
        customers = segment_export(load_export(str(path))).customers
        histories = len(np.unique(np.column_stack(frequency_recency_age(customers)), axis=0))
        seconds = fit_seconds(customers)
        rows.append(
            {
                "data": name,
                "customers": len(customers),
                "distinct histories": histories,
                "fit median s": round(seconds, 3),
                "budget s": FIT_BUDGET_S[name],
                "within": "yes" if seconds <= FIT_BUDGET_S[name] else "NO",
            }
        )
    return rows


def scores(name: str, actual, model, naive) -> dict:
    """Totals, error of the total and per-customer correlation for model and baseline."""
    actual, model, naive = (np.asarray(v, dtype=float) for v in (actual, model, naive))
    total = actual.sum()
    row = {"data": name, "customers": len(actual), "actual": round(total)}
    for label, predicted in (("MBG/NBD", model), ("naive", naive)):
        row[f"{label} total"] = round(predicted.sum())
        row[f"{label} error %"] = round(100 * (predicted.sum() - total) / total, 1)
        row[f"{label} corr"] = round(float(np.corrcoef(predicted, actual)[0, 1]), 3)
        row[f"{label} MAE"] = round(float(np.mean(np.abs(predicted - actual))), 3)
    return row


def cdnow_holdout() -> dict:
    """CDNOW in weeks: calibration to 1997-09-30, holdout the 39 weeks to 1998-06-30."""
    data = read_cdnow(CDNOW)
    summary = calibration_summary(
        data["id"],
        data["date"],
        data["value"],
        calibration_end=dt.date(1997, 9, 30),
        holdout_end=dt.date(1998, 6, 30),
    )
    x, t_x, T = (summary[c].to_numpy() for c in ("x", "t_x", "T"))
    model = fit_mbgnbd(x, t_x, T).expected_purchases(39, x, t_x, T)
    return scores("CDNOW 39 wk", summary["holdout_x"], model, x / T * 39)


def uci_holdout() -> dict:
    """UCI through segbot's own table: as of 2011-09-10, orders to 2011-12-09 (91 days)."""
    export = load_export(str(REAL_PARQUET))
    customers = segment_export(export, as_of=UCI_AS_OF).customers
    days = (UCI_END - UCI_AS_OF).days
    prediction = predict_customers(customers, horizon_days=days)
    # Orders in the holdout: each customer's orders by its end minus those by its start.
    by_end = prepare_frame(export.transactions, as_of=UCI_END).customers["frequency"]
    actual = (by_end.reindex(customers.index) - customers["frequency"]).fillna(0)
    x, _, T = frequency_recency_age(customers)
    naive = x / T * days
    return scores("UCI 13 wk", actual, prediction.customers[prediction.orders_column], naive)


def main() -> None:
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    print("Fit time (predict_customers: MBG/NBD + Gamma-Gamma + predictions)")
    print(pd.DataFrame(fit_table()).to_string(index=False))
    print()
    print(
        "Holdout: predicted vs actual purchases per customer (naive = past repeat rate × horizon)"
    )
    print(pd.DataFrame([cdnow_holdout(), uci_holdout()]).set_index("data").T.to_string())


if __name__ == "__main__":
    main()
