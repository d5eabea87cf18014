"""How long the four report charts take, for the real data and a 10× copy, against a seed-style baseline.

Run from the project root: ``.venv/bin/python -m benchmarks.bench_charts``.
Segmentation runs once per data set, untimed; only drawing and PNG encoding are
timed (best of ``--repeat`` runs, after one warm-up). The baseline is what a first
draft would write: a seaborn ``pairplot(hue="segment")`` plus seaborn box plots on
the same customers (``pip install seaborn``, the project's ``bench`` extra); without
seaborn, a naive matplotlib scatter matrix with one artist per point and segment.
"""

from __future__ import annotations

import argparse
import io
import resource
import time
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from benchmarks.datasets import REAL_PARQUET, cached  # noqa: E402
from segmentation.charts import chart_pngs  # noqa: E402
from segmentation.load import load_export  # noqa: E402
from segmentation.pipeline import segment_export  # noqa: E402
from segmentation.result import SegmentationResult  # noqa: E402
from segmentation.summary import FEATURES  # noqa: E402

TARGETS = {"real": 1.0, "10×": 2.5}  # seconds for all four charts, as PNG bytes


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall-clock and CPU seconds of ``repeat`` runs after a warm-up run; the CPU of
    processes a run forked and waited for (the pair plot's) counts too."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), _cpu()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(_cpu() - c)
    return min(wall), min(cpu)


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _png(fig) -> int:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return len(buf.getvalue())


def seaborn_baseline(result: SegmentationResult) -> None:
    """What the seed did: seaborn pairplot with hue, seaborn box plots, PNGs."""
    import seaborn as sns

    data = result.customers[[*FEATURES, "segment"]]
    _png(sns.pairplot(data, hue="segment").figure)
    fig, axes = plt.subplots(1, len(FEATURES), figsize=(16, 5))
    for ax, feature in zip(axes, FEATURES, strict=True):
        sns.boxplot(data=data, x="segment", y=feature, ax=ax)
    _png(fig)


def naive_baseline(result: SegmentationResult) -> None:
    """Without seaborn: a scatter matrix drawn point by point, with tight_layout."""
    data = result.customers
    fig, axes = plt.subplots(len(FEATURES), len(FEATURES), figsize=(16, 10))
    for (i, fy), (j, fx) in ((a, b) for a in enumerate(FEATURES) for b in enumerate(FEATURES)):
        for _, group in data.groupby("segment"):
            if i == j:
                axes[i, j].hist(group[fx], bins=30, alpha=0.5)
            else:
                axes[i, j].plot(group[fx], group[fy], "o", ms=2, alpha=0.5)
    fig.tight_layout()
    _png(fig)


def baseline() -> tuple[str, Callable[[SegmentationResult], None]]:
    try:
        import seaborn  # noqa: F401
    except ImportError:
        return "naive matplotlib scatter matrix", naive_baseline
    return "seaborn pairplot(hue) + boxplots", seaborn_baseline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow baseline")
    args = parser.parse_args(argv)
    name, draw_baseline = baseline()
    rows = []
    for label, path in (("real", REAL_PARQUET), ("10×", cached("tenfold.parquet"))):
        result = segment_export(load_export(path))  # untimed
        wall, cpu = best_of(lambda r=result: chart_pngs(r), args.repeat)
        sizes = {k: len(v) for k, v in chart_pngs(result).items()}
        base = None
        if not args.no_baseline:
            start = time.perf_counter()
            draw_baseline(result)
            base = time.perf_counter() - start
        rows.append((label, len(result.customers), wall, cpu, base, sizes))
    print(f"Baseline: {name} (one run). Ours: best of {args.repeat} after a warm-up.\n")
    header = f"{'case':<34} {'seconds':>8} {'ratio vs baseline':>18} {'target':>8} {'pass/fail':>9}"
    print(header)
    print("-" * len(header))
    for label, n, wall, _cpu, base, _sizes in rows:
        case = f"charts, {label} data ({n:,} customers)"
        ratio = f"{base / wall:.1f}× faster" if base else "–"
        verdict = "pass" if wall <= TARGETS[label] else "FAIL"
        print(f"{case:<34} {wall:>8.2f} {ratio:>18} {TARGETS[label]:>7.1f}s {verdict:>9}")
        if base:
            print(
                f"{'  baseline, ' + label + ' data':<34} {base:>8.2f} {'1.0×':>18} {'':>8} {'':>9}"
            )
    print()
    for label, _n, _wall, cpu, _base, sizes in rows:
        kb = ", ".join(f"{k} {v / 1000:.0f} KB" for k, v in sizes.items())
        print(f"{label}: CPU {cpu:.2f} s; {kb}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
