"""Slack's largest upload: a ~1 GB UCI-shaped CSV (~11 M lines) through the worker's path.

The file is the real data (data/online_retail.parquet) copied with new customer ids and
invoice numbers per copy, written once to the benchmarks' cache folder (benchmarks.datasets).
Each case runs in a fresh subprocess so its time and peak memory are its own; the clock
starts with the file's bytes in memory, as the worker has them after the download, and
stops once the results exist: load_export (with the sha256), segment_export, save_dataset (the Arrow
file the channel keeps) and chart_pngs, as bot/jobs/worker.py does them. Prints a table;
the baseline is bench_pipeline's notebook-style pandas path on the same file, in this run.

    python -m benchmarks.bench_upload [--copies N] [--skip-baseline] [--skip-capped]
                                      [--without-products]

Targets (issue 13): ≤ 20 s to results and ≤ 3 GB peak RSS; the upload must also succeed
under the worker's default memory cap (bot.settings: SEGBOT_WORKER_MEMORY_MB unset, RLIMIT_AS).
Each run's figures must be the copies times the real export's (``wrong_figures``): speed that
reads an invoice or a customer against the wrong line is no speed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pipeline import BASELINE  # noqa: E402
from benchmarks.datasets import CACHE, cached, real_frame, without_products  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# 21 copies of the real export's 541,909 lines: 11.4 M lines, just under Slack's 1 GB.
COPIES = 21
TARGET_SECONDS = 20.0
TARGET_RSS_MB = 3 * 1024

# The worker's upload, stage by stage (bot/jobs/worker.py _upload and _record), after its
# start-up warm-up; {cap} is the RLIMIT_AS the bot gives a worker (None: no cap).
SEGBOT = """
import json, resource, tempfile, time
from pathlib import Path
import storage
from bot.jobs import worker
from segmentation.charts import chart_pngs
from segmentation.load import ReadLimits, load_export
from segmentation.pipeline import segment_export

MAX_UPLOAD = 1024 * 1024 * 1024  # the bot's default SEGBOT_MAX_UPLOAD_MB, 1 GB
{figures}

if {cap}:
    worker.limit_memory({cap})
worker.warm_up()
data = Path({path!r}).read_bytes()  # the download's bytes
stages = {{}}
t = last = time.perf_counter()
cpu = time.process_time()


def lap(stage):
    global last
    now = time.perf_counter()
    stages[stage] = now - last
    last = now


export = load_export(data, name="big.csv", limits=ReadLimits.for_upload(MAX_UPLOAD))
del data
lap("load")
result = segment_export(export)
lap("segment")
with tempfile.TemporaryDirectory(prefix="segbot-bench-upload-") as folder:
    with storage.connect(Path(folder) / "segbot.db") as db:
        storage.save_dataset(
            db, storage.Scope("T1", "C1"), export.record, user_id="U1",
            transactions=export.table, summary=result.summary, data_dir=folder,
        )
    lap("save")
    charts = chart_pngs(result)
    lap("charts")  # the stored file is removed after the clock stops
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(json.dumps({{"seconds": last - t, "cpu": time.process_time() - cpu, **stages, "customers": result.summary.customers,
                  "rows": result.summary.rows_read, **figures(result.summary),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "vm_mb": int(status["VmPeak"].split()[0]) / 1024}}))
"""


# The figures a run says that the copies multiply: the big file is the real export copied
# with new ids, so each must be the copies times the real export's.
FIGURES_CODE = """
def figures(summary):
    return {"customers": summary.customers, "cancellations": summary.cancellations,
            "cancelled_lines": summary.cancelled_lines, "rows_kept": summary.rows_kept,
            "total_spend": round(summary.total_spend, 2),
            "returned_value": round(summary.returned_value, 2)}
"""
REFERENCE = """
import json
from segmentation.load import load_export
from segmentation.pipeline import segment_export
{figures}
print(json.dumps(figures(segment_export(load_export({path!r})).summary)))
"""


def wrong_figures(measured: dict, reference: dict, copies: int) -> list[str]:
    """The figures (``FIGURES_CODE``) of a run on the big file that are not ``copies`` times
    the real export's ``reference`` (money to the cent, per copy)."""
    wrong = []
    for name, one_copy in reference.items():
        expected = one_copy * copies
        if abs(measured[name] - expected) > (0.01 * copies if isinstance(expected, float) else 0):
            wrong.append(f"{name} {measured[name]:,} ≠ {expected:,}")
    return wrong


def big_csv(copies: int = COPIES, *, products: bool = True) -> Path:
    """The cached ~1 GB CSV: ``copies`` copies of the real data, written like the UCI CSV
    (without ``products``, with no product columns: about 0.7 GB)."""
    path = CACHE / f"upload-{copies}x{'' if products else '-noproducts'}.csv"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    frame = real_frame()
    if not products:
        frame = without_products(frame)
    # Formatted once for every copy: month-first, no zero padding (as_uci_csv's spelling).
    frame["InvoiceDate"] = frame["InvoiceDate"].dt.strftime("%-m/%-d/%Y %-H:%M")
    try:
        with tmp.open("w", encoding="latin-1", errors="replace", newline="") as out:
            for i in range(copies):
                _copy(frame, i).to_csv(out, index=False, header=i == 0)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _copy(frame: pd.DataFrame, i: int) -> pd.DataFrame:
    """Copy ``i`` of the export: customer ids + i × 100,000, invoice numbers + i × 1,000,000
    (a cancellation keeps its "C"), as benchmarks.datasets.tenfold makes them."""
    if i == 0:
        return frame
    invoice = frame["InvoiceNo"].astype(str)
    cancelled = invoice.str.startswith("C")
    number = invoice.str.lstrip("C").str.replace(r"\D", "", regex=True).astype("int64")
    return frame.assign(
        InvoiceNo=cancelled.map({True: "C", False: ""}) + (number + i * 1_000_000).astype(str),
        CustomerID=frame["CustomerID"] + i * 100_000,
    )


def run(code: str, **fields: object) -> dict:
    """One fresh-process run of ``code``; its last output line is the measurement."""
    out = subprocess.run(
        [sys.executable, "-c", code.format(**fields)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode:
        error = (out.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"exit {out.returncode}: {error[:100]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def default_cap() -> int:
    """The worker's RLIMIT_AS when SEGBOT_WORKER_MEMORY_MB is unset (bot.settings)."""
    from bot.settings import Settings

    return Settings(bot_token="xoxb-bench", signing_secret="bench").worker_memory_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=COPIES)
    parser.add_argument("--skip-baseline", action="store_true", help="pandas takes minutes")
    parser.add_argument("--skip-capped", action="store_true", help="no run under the cap")
    parser.add_argument(
        "--without-products",
        action="store_true",
        help="the same lines without product columns: no products to work out",
    )
    parser.add_argument(
        "--cap-mb", type=int, action="append", help="a cap to try (default: the bot's; repeatable)"
    )
    args = parser.parse_args()
    path = big_csv(args.copies, products=not args.without_products)
    caps = [mb << 20 for mb in args.cap_mb] if args.cap_mb else [default_cap()]
    print(
        f"{path.name}: {path.stat().st_size / 1e9:.2f} GB; bot's worker cap {default_cap() >> 20:,} MB"
    )
    segbot = partial(run, SEGBOT, path=str(path), figures=FIGURES_CODE)
    rows = [("segbot, worker path, no cap", segbot(cap=None), True)]
    for cap in [] if args.skip_capped else caps:
        rows.append((f"segbot, worker path, cap {cap >> 20} MB", segbot(cap=cap), True))
    if not args.skip_baseline:
        baseline = run(BASELINE, path=str(path), warm_up=str(cached("sample.csv")))
        rows.append(("baseline (notebook pandas)", baseline, False))
    _table(rows)
    reference = run(REFERENCE, path=str(cached("real.csv")), figures=FIGURES_CODE)
    for label, m, targeted in rows:
        if not targeted or "error" in m:  # the baseline says no figures; an error is shown
            continue
        wrong = wrong_figures(m, reference, args.copies)
        said = f"WRONG: {'; '.join(wrong)}" if wrong else f"{args.copies}× the real export's: yes"
        print(f"{label}: figures (customers, cancellations, spend, returns) {said}")


def _table(rows: list[tuple[str, dict, bool]]) -> None:
    stages = ("load", "segment", "save", "charts")  # load: the sha256 of the bytes too
    print(
        f"{'case':<36} {'seconds':>8} {'cpu s':>6} "
        + " ".join(f"{s:>7}" for s in stages)
        + f" {'peak MB':>8} {'VM MB':>7} {'customers':>9}  ok (≤{TARGET_SECONDS:g} s, ≤{TARGET_RSS_MB} MB)"
    )
    base = next(
        (m for label, m, _ in rows if label.startswith("baseline") and "error" not in m), None
    )
    for label, m, targeted in rows:
        if "error" in m:
            print(f"{label:<36} {m['error']}")
            continue
        times = " ".join(f"{m[s]:>7.2f}" if m.get(s) == m.get(s) else f"{'':>7}" for s in stages)
        verdict = ""
        if targeted:
            missed = [
                *(["time"] if m["seconds"] > TARGET_SECONDS else []),
                *(["memory"] if m["rss_mb"] > TARGET_RSS_MB else []),
            ]
            verdict = f"NO ({', '.join(missed)})" if missed else "yes"
            if base:
                verdict += f"; {base['seconds'] / m['seconds']:.1f}× faster than baseline"
        vm = f"{m['vm_mb']:>7.0f}" if "vm_mb" in m else f"{'':>7}"
        cpu = f"{m['cpu']:>6.1f}" if "cpu" in m else f"{'':>6}"
        print(
            f"{label:<36} {m['seconds']:>8.2f} {cpu} {times} {m['rss_mb']:>8.0f} {vm} "
            f"{m['customers']:>9,}  {verdict}"
        )
    print("seconds: bytes in memory → results; VM MB: peak address space (what RLIMIT_AS caps).")


if __name__ == "__main__":
    main()
