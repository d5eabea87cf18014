"""What to offer next, measured: hit@5 of each recommender on a time split of the real data,
and the time products, affinity and next products add to a run.

For each cut date, the history is the purchases before it and the customers measured are
those who bought before it and again on or after it. A customer is a hit when one of the five
products recommended (never one they had bought before) is among what they bought after the
cut; for ``usual_products``, when one of their five most-bought products is bought again.

Recommenders, all in the same run and on the same history:
  popularity   the five best-sellers the customer has not bought (the baseline)
  co-occur     item-to-item: customers who bought both, summed over the customer's products
  cosine       co-occurrence over the square root of each product's buyers
  segbot       cosine learned with recent purchases weighing more, each product's 20
               nearest among the 1,000 most bought, each of the customer's products
               weighted by recency and lines (segmentation.products.recommend)
  ALS          implicit's AlternatingLeastSquares (a library recommender, bench extra)

Then the timing: products + affinity + next products in-process on a 50,000-product catalogue
(benchmarks.datasets.wide_catalogue; limit 20 s), on the real data and on the 10× export
(benchmarks.datasets' tenfold.parquet), each of these in a fresh subprocess for its own peak memory.

    python benchmarks/bench_products.py [--skip-10x]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from benchmarks.datasets import REAL_PARQUET  # noqa: E402

CUTS = (dt.date(2011, 9, 1), dt.date(2011, 7, 1))
K = 5


def split(transactions: pd.DataFrame | pa.Table, cut: dt.date) -> tuple[pa.Table, dict[str, set]]:
    """The history's customer-product rows before ``cut`` and, per customer, the products
    bought on or after it (both through segbot's own engine expressions, on ibis's DuckDB)."""
    import ibis

    from segmentation.products.query import customer_products, purchases

    if isinstance(transactions, pd.DataFrame):
        transactions = pa.Table.from_pandas(transactions, preserve_index=False)
    cutoff = dt.datetime.combine(cut, dt.time())
    lines = purchases(ibis.duckdb.connect().create_table("transactions", transactions), as_of=None)
    history = customer_products(lines.filter(lines.timestamp < cutoff)).to_pyarrow()
    later = lines.filter(lines.timestamp >= cutoff).select("customer_id", "product").to_pandas()
    return history, later.groupby("customer_id")["product"].agg(set).to_dict()


def hits(chosen: np.ndarray, b, after: dict[str, set]) -> tuple[float, int]:
    """Share of the customers measured (bought before and after) with a hit, and how many."""
    measured = [i for i, c in enumerate(b.customers) if c in after]
    products = np.asarray(b.products)
    hit = 0
    for i in measured:
        picks = {products[j] for j in chosen[i] if j >= 0}
        hit += bool(picks & after[b.customers[i]])
    return hit / len(measured), len(measured)


def als_next(b, seed: int = 0) -> np.ndarray:
    from implicit.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    model = AlternatingLeastSquares(factors=64, regularization=0.05, iterations=20,
                                    alpha=1.0, random_state=seed)  # fmt: skip
    confidence = b.lines.copy()
    confidence.data = np.log1p(confidence.data) * 10
    with threadpool_limits(1, "blas"):
        model.fit(confidence.tocsr(), show_progress=False)
        ids, _ = model.recommend(np.arange(b.bought.shape[0]), b.bought.tocsr(), N=K,
                                 filter_already_liked_items=True)  # fmt: skip
    return ids


def popularity_next(b) -> np.ndarray:
    from segmentation.products.recommend import popular

    order = popular(b, b.bought.shape[1])
    chosen = np.full((b.bought.shape[0], K), -1)
    bought = b.bought.tocsr()
    for i in range(bought.shape[0]):
        owned = set(bought.indices[bought.indptr[i] : bought.indptr[i + 1]])
        picks = [j for j in order[: K + len(owned)] if j not in owned][:K]
        chosen[i, : len(picks)] = picks
    return chosen


def accuracy(cut: dt.date, transactions: pd.DataFrame) -> dict[str, float]:
    from segmentation.products.recommend import baskets, next_products, usual_products

    history, after = split(transactions, cut)
    b = baskets(history, cut)
    results = {
        "popularity": popularity_next(b),
        "co-occur": next_products(
            b, cosine=False, recent=False, neighbours=None, candidates=3_000, history=b.bought
        ),
        "cosine": next_products(
            b, cosine=True, recent=False, neighbours=None, candidates=3_000, history=b.bought
        ),  # fmt: skip
        "segbot": next_products(b),
        "ALS": als_next(b),
        "usual": usual_products(b),
    }
    scores = {name: hits(chosen, b, after) for name, chosen in results.items()}
    n = next(iter(scores.values()))[1]
    return {"customers": n, **{name: round(s, 3) for name, (s, _) in scores.items()}}


TIMED = """
import json, resource, time
from segmentation.load import load_export
from segmentation.pipeline import segment_export, warm_up
from segmentation.products import products_of_frame
warm_up()
export = load_export({path!r})
result = segment_export(export)
labels = result.customers["segment"]
seconds, cpu = [], []
for _ in range(3):  # the first call also compiles the queries: the median of three
    t, c = time.perf_counter(), time.process_time()
    products = products_of_frame(export.table, labels, as_of=result.summary.as_of)
    seconds.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps({{"seconds": sorted(seconds)[1], "cpu": sorted(cpu)[1], "customers": len(labels)}}))
"""

# One whole run (load, engine, clustering, predictions, and products when asked) in a fresh
# process: its peak memory is the run's own, not that of the timing loop's repeats.
PEAK = """
import json, resource
from segmentation.engine import prepare_frame
from segmentation.load import load_export
from segmentation.pipeline import segment_prepared
from segmentation.products import products_of_frame
export = load_export({path!r})
prepared = prepare_frame(export.table, rows_read=export.rows_read)
basket = (lambda labels, as_of: products_of_frame(export.table, labels, as_of=as_of)) if {products!r} else None
segment_prepared(prepared, basket=basket)
print(json.dumps({{"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def _subprocess(script: str) -> dict:
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True, cwd=Path(__file__).parent.parent)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


WIDE_LIMIT = 20.0  # seconds: a catalogue this wide must not stall a worker


def wide_catalogue_seconds() -> float:
    """Seconds of ``products_of_frame`` on ``datasets.wide_catalogue``, in this process."""
    import time

    from benchmarks.datasets import wide_catalogue
    from segmentation.products import products_of_frame

    frame, labels = wide_catalogue()
    started = time.perf_counter()
    products_of_frame(frame, labels, as_of=dt.date(2024, 1, 1))
    return time.perf_counter() - started


def timed(path: Path) -> dict:
    """The products' time in-process and the whole run's peak memory with and without them."""
    got = _subprocess(TIMED.format(path=str(path)))
    for products in (True, False):
        peak = _subprocess(PEAK.format(path=str(path), products=products))["rss_mb"]
        got["rss_mb" if products else "rss_mb_without"] = peak
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-10x", action="store_true")
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    from segmentation.load import load_export

    transactions = load_export(REAL_PARQUET).transactions
    names = ("popularity", "co-occur", "cosine", "segbot", "ALS", "usual")
    print("hit@5 on the real data (history before the cut; customers who bought again after)")
    print(f"{'cut':<12}{'customers':>10}" + "".join(f"{n:>12}" for n in names))
    for cut in () if args.skip_accuracy else CUTS:
        row = accuracy(cut, transactions)
        print(
            f"{cut.isoformat():<12}{row['customers']:>10,}"
            + "".join(f"{row[n]:>12.3f}" for n in names)
        )
        base = row["popularity"]
        print(f"{'':<22}ratios to popularity: " + ", ".join(
            f"{n} {row[n] / base:.2f}×" for n in names[1:5]))  # fmt: skip
    if args.skip_timing:
        return
    from benchmarks.datasets import cached

    cases = [("real data", REAL_PARQUET)]
    if not args.skip_10x:
        cases.append(("10× export", cached("tenfold.parquet")))
    print("\nproducts + affinity + next products, in-process (after segmenting):")
    wide = wide_catalogue_seconds()
    print(f"  50,000-product catalogue (400,000 lines, 20,000 customers): {wide:.2f} s "
          f"(limit {WIDE_LIMIT:g} s: {'yes' if wide <= WIDE_LIMIT else 'NO'})")  # fmt: skip
    for label, path in cases:
        got = timed(path)
        print(f"  {label:<12} {got['seconds']:.2f} s ({got['cpu']:.2f} CPU s), {got['customers']:,} customers; "
              f"peak RSS of a whole run {got['rss_mb']:,.0f} MB, "
              f"{got['rss_mb_without']:,.0f} MB without products")  # fmt: skip


if __name__ == "__main__":
    main()
