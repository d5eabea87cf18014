"""A campaign's read-out at scale: 100,000 members on a store of 10 M lines, in-process.

The store is synthetic (1 M customers, 3 M invoices over two years) and stored as an upload
is (Arrow IPC in the data folder); the campaign's members are stored as a start stores them.
The read-out then loads nothing into pandas but the members' per-customer rows.

    python -m benchmarks.bench_campaigns [--lines 10000000] [--members 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import storage
from segmentation.load import load_export
from segmentation.pipeline import segment_export
from segmentation.sample import sample_export
from storage import NewCampaign, Scope
from workflows.campaign_report import campaign_report
from workflows.runs import Where

SCOPE = Scope("bench", "bench")


def store(lines: int, seed: int = 0) -> pd.DataFrame:
    """``lines`` normalised transaction lines of 1 M customers (ids "100000"…)."""
    rng = np.random.default_rng(seed)
    customers = pd.Index([str(100_000 + i) for i in range(1_000_000)])
    invoices = pd.Index([str(i) for i in range(3_000_000)])
    quantity = rng.integers(1, 5, lines).astype(float)
    price = rng.gamma(2, 5, lines)
    seconds = rng.integers(0, 730 * 86_400, lines)
    return pd.DataFrame(
        {
            "customer_id": pd.Categorical.from_codes(
                rng.integers(0, len(customers), lines), customers
            ),
            "invoice": pd.Categorical.from_codes(rng.integers(0, len(invoices), lines), invoices),
            "timestamp": pd.Timestamp("2010-01-01") + pd.to_timedelta(seconds, unit="s"),
            "product": pd.Categorical.from_codes(np.zeros(lines, dtype=int), ["x"]),
            "quantity": quantity,
            "price": price,
            "amount": quantity * price,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="segbot-bench-"))
    db_path = folder / "bench.db"
    transactions = store(args.lines)
    small, _ = sample_export(rows=3000, seed=1)  # a real summary for the dataset row
    export = load_export(small.to_csv(index=False).encode(), name="store.csv")
    summary = segment_export(export, k=3).summary
    rng = np.random.default_rng(1)
    ids = transactions["customer_id"].cat.categories
    members = pd.DataFrame(
        {
            "customer_id": ids[rng.choice(len(ids), args.members, replace=False)],
            "holdout": np.arange(args.members) % 10 == 0,
            "lifecycle": "active",
            "total_spend": 1.0,
        }
    )
    with storage.connect(db_path) as db:
        dataset_id, _ = storage.save_dataset(
            db, SCOPE, export.record, user_id=None, transactions=transactions, summary=summary,
            data_dir=storage.data_dir(db_path),
        )  # fmt: skip
        held_out = int(members["holdout"].sum())
        storage.save_campaign(
            db, SCOPE, NewCampaign(
                name="bench", run_id=1, dataset_id=dataset_id,
                line=storage.dataset_for(db, dataset_id, SCOPE).line, source=None, segment=0,
                segment_name="all", state=None, holdout=0.1, window_days=30, seed=0,
                start="2011-06-01", members=args.members, treated=args.members - held_out,
                held_out=held_out, baseline=0.2, detectable_lift=0.01, created_by=None,
            ), members,
        )  # fmt: skip
    where = Where(scope=SCOPE, user_id=None, db_path=db_path, data_dir=storage.data_dir(db_path))
    campaign_report(where, "bench")  # warm: the first call pays its imports
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        report = campaign_report(where, "bench")
        times.append(time.perf_counter() - started)
    print(
        f"read-out of {args.members:,} members on {args.lines:,} lines: "
        f"{statistics.median(times):.2f} s (median of {args.repeat}); "
        f"treated {report.treated.customers:,}, held out {report.holdout.customers:,}"
    )


if __name__ == "__main__":
    main()
