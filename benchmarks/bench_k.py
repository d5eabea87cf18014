"""Auto k and stability across random seeds, and what the robust scoring costs, on the real data.

For random_state 0–19 the real export is segmented with segbot's SegmentModel and with a
baseline configuration of it that scores k as segbot did before (one k-means++ start per k,
silhouette on 2,000 customers, 5 bootstrap refits): the table shows k and stability for each.
Then segment_export on the real Parquet is timed in-process for both, interleaved so that
the noise of a shared machine hits both alike, and once on the 10× Parquet.

Two limits of the baseline: its stability is the new measure (matched share of customers,
not the adjusted Rand index the previous code reported), and it shares the new silhouette
code (one matrix product for every k), so it is somewhat faster than the previous code was.

    python benchmarks/bench_k.py [--repeat N] [--skip-10x]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import REAL_PARQUET, cached  # noqa: E402
from segmentation import pipeline  # noqa: E402
from segmentation.load import load_export  # noqa: E402

SEEDS = range(20)
BASELINE = {"scoring_n_init": 1, "n_bootstrap": 5, "silhouette_sample": 2000}


@contextmanager
def model_params(params: dict) -> Iterator[None]:
    """While open, segment_export builds its SegmentModel with ``params`` added."""
    original = pipeline.SegmentModel
    pipeline.SegmentModel = partial(original, **params)
    try:
        yield
    finally:
        pipeline.SegmentModel = original


def run(export, params: dict, seed: int = 0) -> tuple[float, int, float | None]:
    """Seconds, k and stability of one segment_export with these model parameters."""
    with model_params(params):
        start = time.perf_counter()
        summary = pipeline.segment_export(export, random_state=seed).summary
        return time.perf_counter() - start, summary.k, summary.stability


def seed_table(export) -> None:
    print(f"{'seed':>4} | {'k':>3} {'stability':>9} | {'k (baseline)':>12} {'stability':>9}")
    new, old = [], []
    for seed in SEEDS:
        new.append(run(export, {}, seed)[1:])
        old.append(run(export, BASELINE, seed)[1:])
        print(
            f"{seed:>4} | {new[-1][0]:>3} {new[-1][1]:>9.3f} | {old[-1][0]:>12} {old[-1][1]:>9.3f}"
        )
    for name, rows in (("segbot", new), ("baseline", old)):
        ks = sorted({k for k, _ in rows})
        stability = [s for _, s in rows]
        print(
            f"{name:>8}: k in {ks}; stability {min(stability):.3f}–{max(stability):.3f} "
            f"(spread {max(stability) - min(stability):.3f})"
        )


def timings(export, repeat: int) -> None:
    times: dict[str, list[float]] = {"segbot": [], "baseline": []}
    for _ in range(repeat):  # interleaved: a busy spell of the machine slows both alike
        times["segbot"].append(run(export, {})[0])
        times["baseline"].append(run(export, BASELINE)[0])
    new, old = (statistics.median(times[name]) for name in ("segbot", "baseline"))
    print(f"\nsegment_export on the real Parquet, median of {repeat} in-process runs:")
    print(f"  segbot   {new:.3f} s\n  baseline {old:.3f} s   segbot / baseline = {new / old:.2f}")
    print(
        "  (the baseline shares the new one-product silhouette, so it is faster than the old code)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--skip-10x", action="store_true")
    args = parser.parse_args()
    pipeline.warm_up()  # first calls into pandas and scikit-learn are not the work measured
    export = load_export(REAL_PARQUET)
    seed_table(export)
    timings(export, args.repeat)
    if not args.skip_10x:
        tenfold = load_export(cached("tenfold.parquet"))
        seconds, k, stability = run(tenfold, {})
        print(f"\n10× Parquet: segment_export {seconds:.2f} s (target ≤ 10 s), k = {k}, "
              f"stability {stability:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
