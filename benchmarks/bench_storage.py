"""Storing runs and datasets: segbot's storage against naive baselines, on the real data and a 10× copy.

Cases (medians of --repeat runs, all measured in this same run):
  save run       RunRecording.finish (run fields + segments + assignments, one transaction)
                 vs a row-by-row insert committing each row, and pandas ``to_sql``
  load stored    load_transactions (Arrow IPC) vs parsing the original CSV with load_export

    python benchmarks/bench_storage.py [--repeat N] [--skip-10x-csv]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlite_utils  # noqa: E402

import storage  # noqa: E402
from benchmarks.datasets import cached  # noqa: E402
from segmentation.load import ExportRecord, load_export  # noqa: E402
from segmentation.pipeline import segment_export  # noqa: E402
from segmentation.summary import RunParams  # noqa: E402

SCOPE = storage.Scope("bench", "bench")


def median_seconds(
    work: Callable[[], object], repeat: int, setup: Callable[[], object] = None
) -> float:
    """Median wall time of ``work`` over ``repeat`` runs (``setup`` runs untimed before each)."""
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def store_dataset(db, folder: Path, export, result, name: str) -> int:
    record = ExportRecord(file_name=name, sha256=hashlib.sha256(name.encode()).hexdigest())
    dataset_id, _ = storage.save_dataset(
        db,
        SCOPE,
        record,
        user_id=None,
        transactions=export.transactions,
        summary=result.summary,
        data_dir=storage.data_dir(folder / "bench.db"),
    )
    return dataset_id


def time_finish_run(db_path: Path, dataset_id: int, result, repeat: int) -> float:
    """RunRecording.finish on a freshly recorded run each time (recording it is not timed)."""
    runs = contextlib.ExitStack()
    recordings: list[storage.RunRecording] = []

    def start() -> None:
        runs.close()  # leave the previous run's block
        recording = storage.record_run(
            db_path, SCOPE, dataset_id=dataset_id, trigger="cli", params=RunParams()
        )
        recordings.append(runs.enter_context(recording))

    def finish() -> None:
        recordings[-1].finish(result, {})

    with runs:
        return median_seconds(finish, repeat, setup=start)


def time_row_by_row(folder: Path, result, limit: int = 5_000) -> float:
    """What a first attempt does: one insert and one commit per customer, default journal.

    Past ``limit`` rows the time is extrapolated (43k commits take minutes).
    """
    db = sqlite_utils.Database(folder / f"naive-{len(result.customers)}.db", recreate=True)
    rows = result.customers.reset_index().to_dict("records")
    started = time.perf_counter()
    for row in rows[:limit]:
        db["assignments"].insert(row)  # each insert commits
    seconds = time.perf_counter() - started
    db.close()
    return seconds * len(rows) / min(len(rows), limit)


def time_to_sql(folder: Path, result) -> float:
    """pandas' own writer (executemany in chunks) into a fresh table."""
    conn = sqlite3.connect(folder / "to_sql.db")
    started = time.perf_counter()
    result.customers.to_sql("assignments", conn, if_exists="replace")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-10x-csv", action="store_true", help="skip parsing the 10× CSV")
    args = parser.parse_args()

    print("Preparing: loading and segmenting the real data and the 10× copy…", file=sys.stderr)
    real = load_export(cached("real.csv"))
    real_result = segment_export(real)
    tenfold = load_export(cached("tenfold.parquet"))
    tenfold_result = segment_export(tenfold)

    rows: list[tuple[str, float, str, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with storage.connect(folder / "bench.db") as db:
            real_id = store_dataset(db, folder, real, real_result, "real.csv")
            tenfold_id = store_dataset(db, folder, tenfold, tenfold_result, "tenfold")
            for label, result, dataset_id, target in (
                ("real", real_result, real_id, 0.2),
                ("10×", tenfold_result, tenfold_id, 1.0),
            ):
                n = len(result.customers)
                seconds = time_finish_run(folder / "bench.db", dataset_id, result, args.repeat)
                rows.append((f"save run {label} ({n:,} assignments)", seconds, "target", target))
                rows.append(
                    ("  baseline: row-by-row commits", time_row_by_row(folder, result), "", None)
                )
                rows.append(("  baseline: pandas to_sql", time_to_sql(folder, result), "", None))

            files = storage.data_dir(folder / "bench.db")
            cases = [("real", real_id, cached("real.csv"))]
            if not args.skip_10x_csv:
                cases.append(("10×", tenfold_id, cached("tenfold.csv")))
            for label, dataset_id, csv in cases:
                stored = median_seconds(
                    lambda d=dataset_id: storage.load_transactions(db, d, SCOPE, data_dir=files),
                    args.repeat,
                )
                parsed = median_seconds(lambda c=csv: load_export(c), args.repeat)
                rows.append((f"load stored transactions {label}", stored, "target", 0.10 * parsed))
                rows.append((f"  baseline: parse {csv.name}", parsed, "", None))

    print(f"\n{'case':<44} {'seconds':>9} {'vs':>22}")
    for case, seconds, kind, target in rows:
        note = f"target {target:.3f} s" if kind == "target" else ""
        print(f"{case:<44} {seconds:>9.4f} {note:>22}")
    print("\nratios (segbot / baseline, measured in this run):")
    for i, (case, seconds, kind, _) in enumerate(rows):
        if kind == "target":
            for baseline, base_seconds, _, _ in rows[i + 1 :]:
                if not baseline.startswith("  baseline"):
                    break
                print(
                    f"  {case.strip()} vs{baseline.removeprefix('  baseline:')}: {seconds / base_seconds:.1%}"
                )


if __name__ == "__main__":
    main()
