"""The engine (ibis expressions run where the data lives) against the pandas path it replaced.

1. Real data end to end (load_export -> segment_export -> chart_pngs) in today's tree
   against the same in a temporary checkout of commit 5990ce0 (the last pandas path),
   same virtualenv: target within 10 %, same figures.
2. The real data scaled to ``--lines`` (default 100M) as Parquet: per-customer features by
   the engine on DuckDB (memory limit, 2 threads): ≤ 20 s and ≤ 2 GB peak RSS; the whole
   segmentation with charts ≤ 40 s. Baseline: 5990ce0's pandas cleaning and features on the
   largest of ``--pandas-lines`` it survives (stops at the first failure, or when the
   previous size's memory says the next would pass ``--pandas-memory-gb``).
3. A PostgreSQL table of ``--pg-lines`` (default 10M) on a server started here: features
   pushed down vs every row pulled into pandas then the engine: ≥ 10× faster, ≥ 10× less.

Each case runs in a fresh subprocess (code in benchmarks/engine_cases.py), best of
``--repeat`` by wall time; "cpu" is the process's user + system seconds, steadier than
wall time on a shared machine. Ratios compare cases measured in this same run.

    python -m benchmarks.bench_engine [--lines 100M] [--pg-lines 10M] [--skip real,scaled,pg]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from benchmarks import engine_cases, pgserver
from benchmarks.datasets import REAL_PARQUET
from benchmarks.scaled import label, parse_lines, scaled_parquet

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "5990ce0"  # the last commit with the pandas cleaning and features
GB = 1024**3
FAILED = {"seconds": float("nan"), "cpu": float("nan"), "rss_mb": float("nan")}


def measure(
    code: str, args: dict, *, cwd: Path = ROOT, repeat: int = 1, memory_gb: float = 0
) -> dict:
    """Best of ``repeat`` fresh-process runs of ``code`` (by wall time); a run that fails
    (MemoryError under the ``memory_gb`` address-space cap, a crash) gives ``error``."""
    best = None
    limit = int(memory_gb * GB) if memory_gb else None

    def cap() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    for _ in range(repeat):
        args = args | {"dump": tempfile.mkstemp(prefix="segbot-bench-", suffix=".parquet")[1]}
        done = subprocess.run(
            [sys.executable, "-c", engine_cases.PROLOGUE + code, json.dumps(args)],
            capture_output=True,
            text=True,
            cwd=cwd,
            preexec_fn=cap,
            timeout=1800,
        )
        if done.returncode != 0:
            Path(args["dump"]).unlink(missing_ok=True)
            error = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
            return FAILED | {"error": error[:160]}
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        if best is None or measured["seconds"] < best["seconds"]:
            best, measured = measured, best
        if measured:  # the slower run's table is not needed
            Path(measured["table"]).unlink(missing_ok=True)
    return best


def same_figures(a: dict, b: dict) -> str:
    """Whether two runs' per-customer tables agree (floats to 1e-9, as sums in another order
    may differ in the last bit) and, when both have them, their summary figures; the tables'
    files are removed."""
    import pandas as pd

    try:
        if a.get("figures") != b.get("figures"):
            return "FIGURES DIFFER"
        left, right = pd.read_parquet(a["table"]), pd.read_parquet(b["table"])
        pd.testing.assert_frame_equal(
            left, right, check_dtype=False, check_index_type=False, rtol=1e-9
        )
        return "same figures"
    except (AssertionError, KeyError):
        return "FIGURES DIFFER"
    finally:
        for path in (a.get("table"), b.get("table")):
            if path:
                Path(path).unlink(missing_ok=True)


@contextlib.contextmanager
def checkout(commit: str) -> Iterator[Path]:
    """A temporary detached worktree of ``commit``, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=f"segbot-{commit}-"))
    git = ["git", "-C", str(ROOT), "worktree"]
    subprocess.run([*git, "add", "--detach", str(path), commit], check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run([*git, "remove", "--force", str(path)], check=False, capture_output=True)
        subprocess.run([*git, "prune"], check=False, capture_output=True)


def real_rows(old: Path, repeat: int) -> list[tuple]:
    """Case 1: the real data end to end, today vs before the engine."""
    args = {"path": str(REAL_PARQUET)}
    before = measure(engine_cases.REAL, args, cwd=old, repeat=repeat)
    now = measure(engine_cases.REAL, args, repeat=repeat)
    assert before.get("error") or Path(before["module"]).is_relative_to(old), before
    same = same_figures(now, before)
    ratio = now["seconds"] / before["seconds"]
    cpu_ratio = now["cpu"] / before["cpu"]
    note = f"{ratio:.2f}× the time ({cpu_ratio:.2f}× the CPU), {same}"
    return [
        ("real 541,909 lines, pandas path (5990ce0)", before, "", ""),
        ("real 541,909 lines, engine (today)", now, note, _ok(ratio <= 1.1)),
    ]


def scaled_rows(old: Path, args: argparse.Namespace) -> list[tuple]:
    """Case 2: the engine on ``--lines`` of Parquet, and the pandas path's largest size."""
    lines = parse_lines(args.lines)
    folder = scaled_parquet(lines)
    params = {"glob": f"{folder}/*.parquet", "memory_limit": args.memory_limit, "threads": 2}
    engine = measure(engine_cases.SCALED_ENGINE, params, repeat=args.repeat)
    rows = [(f"{label(lines)} lines, engine: features", engine, "", _scaled_ok(engine))]
    whole = {
        "seconds": engine.get("whole", float("nan")),
        "cpu": engine.get("whole_cpu", float("nan")),
        "rss_mb": engine.get("whole_rss_mb", float("nan")),
    } | {k: engine.get(k) for k in ("customers", "error")}
    ok = _ok(whole["seconds"] <= 40)
    rows.append((f"{label(lines)} lines, engine: + k search, fit, charts", whole, "", ok))
    survived = pandas_baseline(old, args)
    discard(engine, *(survived[1:] if survived else ()))
    if survived:
        size, baseline = survived
        per_line = baseline["seconds"] / size
        projected = per_line * lines / engine["seconds"] if engine.get("seconds") else float("nan")
        note = f"per line, the engine is {projected:.1f}× faster"
        rows.append((f"{label(size)} lines, pandas path (5990ce0)", baseline, note, ""))
    return rows


def discard(*runs: dict) -> None:
    """Remove the per-customer tables of runs whose figures are not compared."""
    for measured in runs:
        if measured.get("table"):
            Path(measured["table"]).unlink(missing_ok=True)


def pandas_baseline(old: Path, args: argparse.Namespace) -> tuple[int, dict] | None:
    """The pandas path on growing sizes: the largest it finishes, as (lines, measured)."""
    survived = None
    for size in (parse_lines(s) for s in args.pandas_lines.split(",")):
        if survived and survived[1]["rss_mb"] * size / survived[0] > args.pandas_memory_gb * 1024:
            print(f"pandas path: {label(size)} lines skipped, it would pass the memory cap")
            break
        folder = scaled_parquet(size)
        measured = measure(
            engine_cases.SCALED_PANDAS,
            {"folder": str(folder)},
            cwd=old,
            memory_gb=args.pandas_memory_gb,
        )
        if measured.get("error"):
            print(f"pandas path: {label(size)} lines failed: {measured['error']}")
            break
        if survived:
            discard(survived[1])
        survived = (size, measured)
    return survived


def pg_rows(args: argparse.Namespace) -> list[tuple]:
    """Case 3: a Postgres table, features pushed down vs every row pulled into the bot."""
    lines = parse_lines(args.pg_lines)
    folder = scaled_parquet(lines)
    with pgserver.running_postgres() as connect:
        loaded = pgserver.load(connect, "transactions", f"{folder}/*.parquet")
        assert loaded == lines, loaded
        ibis_connect = {k: v for k, v in connect.items() if k != "dbname"}
        ibis_connect["database"] = connect["dbname"]
        pushed = measure(
            engine_cases.PG_PUSHDOWN,
            {"connect": ibis_connect, "table": "transactions"},
            repeat=args.repeat,
        )
        pulled = measure(engine_cases.PG_PULL, {"connect": connect, "table": "transactions"})
        read_sql = measure(
            engine_cases.PG_READ_SQL, {"connect": connect, "table": "transactions"}
        )
    faster = read_sql["seconds"] / pushed["seconds"]
    smaller = read_sql["rss_mb"] / pushed["rss_mb"]
    same = same_figures(read_sql, pushed)
    fast_pull = (
        f"the fastest pull: {pulled['seconds'] / pushed['seconds']:.1f}× the time, "
        f"{pulled['rss_mb'] / pushed['rss_mb']:.1f}× the memory of pushing down"
    )
    return [
        (f"Postgres {label(lines)} lines, pandas.read_sql", read_sql, "", ""),
        (f"Postgres {label(lines)} lines, COPY + pyarrow", pulled, fast_pull, ""),
        (
            f"Postgres {label(lines)} lines, pushed down",
            pushed,
            f"{faster:.1f}× faster, {smaller:.1f}× less memory, {same}",
            _ok(faster >= 10 and smaller >= 10),
        ),
    ]


def _ok(passed: bool) -> str:
    return "yes" if passed else "NO"


def _scaled_ok(measured: dict) -> str:
    if measured.get("error"):
        return "NO"
    return _ok(measured["seconds"] <= 20 and measured["rss_mb"] <= 2048)


def print_table(rows: list[tuple]) -> None:
    print(f"{'case':<48} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'customers':>9}  ok   note")
    for case, m, note, ok in rows:
        customers = f"{m['customers']:,}" if m.get("customers") is not None else ""
        if m.get("error"):
            note = f"failed: {m['error']}"
        print(
            f"{case:<48} {m['seconds']:>7.1f} {m['cpu']:>7.1f} {m['rss_mb']:>8.0f} {customers:>9}"
            f"  {ok:<4} {note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--lines", default="100M", help="case 2's size, e.g. 100M, 20M")
    parser.add_argument("--memory-limit", default="1.5GB", help="DuckDB's memory_limit")
    parser.add_argument("--pandas-lines", default="10M,25M,50M", help="baseline sizes to try")
    parser.add_argument("--pandas-memory-gb", type=float, default=20.0)
    parser.add_argument("--pg-lines", default="10M")
    parser.add_argument("--skip", default="", help="comma-separated: real, scaled, pg")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    rows: list[tuple] = []
    with checkout(BEFORE) as old:
        if "real" not in skip:
            rows += real_rows(old, args.repeat)
        if "scaled" not in skip:
            rows += scaled_rows(old, args)
    if "pg" not in skip:
        rows += pg_rows(args)
    print_table(rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores; load average after the run (1, 5, 15 min): {load}")


if __name__ == "__main__":
    main()
