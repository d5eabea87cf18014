"""The predictions' check on each export's own history: BG/NBD (the baseline), the modified
BG/NBD (the model segbot keeps) and Pareto/NBD, on the same back-test.

For the real UCI data and the CDNOW sample, read as segbot reads an upload, the engine holds
out the last 90 days (``Prepared.holdout``); each model is fitted on the orders before them
and asked for them (``clv_check.backtest``), then fitted on the whole history as segbot
would show it. Per data set and model: the error of the predicted 90-day total (orders and
revenue), the per-customer mean absolute error against each customer's past repeat rate, the
share of the customers called likely gone who then ordered against that of the others, how
many long-silent customers the shown fit calls almost surely active, the mean chance of still
being active it gives the customers the lifecycle calls lapsed, the fit time, and which rules
of the check fail.

    python benchmarks/bench_predictions.py
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import REAL_PARQUET  # noqa: E402
from segmentation.clv import predict_customers  # noqa: E402
from segmentation.clv_check import ALMOST_SURELY, backtest, long_silent  # noqa: E402
from segmentation.clv_data import cdnow_csv  # noqa: E402
from segmentation.clv_mbg import fit_mbgnbd  # noqa: E402
from segmentation.clv_models import fit_bgnbd  # noqa: E402
from segmentation.clv_pareto import fit_pareto_nbd  # noqa: E402
from segmentation.engine import Prepared, prepare_frame  # noqa: E402
from segmentation.lifecycle import lifecycle_from, lifecycle_states  # noqa: E402
from segmentation.load import load_export  # noqa: E402

CDNOW = Path(__file__).resolve().parent.parent / "tests" / "data" / "CDNOW_sample.txt"
MODELS = {
    "BG/NBD (baseline)": fit_bgnbd,
    "MBG/NBD (kept)": fit_mbgnbd,
    "Pareto/NBD": fit_pareto_nbd,
}


def data_sets() -> dict[str, Prepared]:
    """The real data and CDNOW, each through the engine as an upload would go."""
    uci = load_export(str(REAL_PARQUET))
    cdnow = load_export(cdnow_csv(CDNOW), name="cdnow.csv")
    return {"UCI": prepare_frame(uci.transactions), "CDNOW": prepare_frame(cdnow.transactions)}


def row(name: str, prepared: Prepared, model: str) -> dict:
    """One data set scored with one model: the back-test, then the shown fit."""
    fit = MODELS[model]
    start = time.perf_counter()
    check = backtest(prepared.holdout, fit=fit)
    seconds = time.perf_counter() - start
    customers = prepared.customers
    p_active = predict_customers(customers, fit=fit).customers["p_active"].to_numpy()
    silent = long_silent(customers)
    check = dataclasses.replace(
        check,
        silent=int(silent.sum()),
        silent_sure=int((silent & (p_active >= ALMOST_SURELY)).sum()),
    )
    lapsed = (lifecycle_states(customers, lifecycle_from(customers)) == "lapsed").to_numpy()
    return {
        "data": name,
        "model": model,
        "fitted to": check.fitted_to.isoformat(),
        "days": check.days,
        "customers": check.customers,
        "orders predicted": round(check.predicted_orders),
        "orders came": check.orders,
        "orders error %": _error(check.predicted_orders, check.orders),
        "revenue error %": _error(check.predicted_revenue, check.revenue),
        "MAE": round(check.mae, 3),
        "past-rate MAE": round(check.naive_mae, 3),
        "called gone": check.gone,
        "gone re-ordered %": round(100 * check.gone_reordered, 1),
        "others re-ordered %": round(100 * check.others_reordered, 1),
        "long silent": check.silent,
        "of them 'surely active' %": round(100 * check.silent_sure / max(check.silent, 1), 1),
        "lapsed mean p_active": round(float(np.mean(p_active[lapsed])), 3),
        "back-test s": round(seconds, 2),
        "check": ", ".join(check.broken()) or "holds",
    }


def _error(predicted: float, actual: float) -> float:
    return round(100 * (predicted - actual) / actual, 1)


def main() -> None:
    pd.set_option("display.width", 200)
    rows = [
        row(name, prepared, model) for name, prepared in data_sets().items() for model in MODELS
    ]
    table = pd.DataFrame(rows).set_index(["data", "model"]).T
    print("Back-test on the last 90 days of each export (error % = predicted vs came)")
    print(table.to_string())


if __name__ == "__main__":
    main()
