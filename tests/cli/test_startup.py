"""Start-up pays only for what a command uses: checked in a fresh interpreter per command."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

# What a command that reads no export must not load (each costs tenths of a second).
HEAVY = ("pandas", "numpy", "pyarrow", "sklearn", "scipy", "ibis", "duckdb", "matplotlib")


def loaded_after(argv: list[str], *, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Run ``cli.main(argv)`` in a fresh interpreter: its exit code and the HEAVY modules
    loaded by then (argparse ends --help, --version and wrong usages with SystemExit)."""
    code, loaded, _ = run_cli(argv, env=env)
    return code, loaded


def run_cli(argv: list[str], *, env: dict[str, str] | None = None) -> tuple[int, list[str], str]:
    """``loaded_after``, and what the command printed."""
    code = (
        "import contextlib, io, json, sys\n"
        "from cli import main\n"
        "out = io.StringIO()\n"
        "try:\n"
        "    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):\n"
        f"        code = main({argv!r})\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        f"heavy = {HEAVY!r}\n"
        "loaded = sorted(m for m in heavy if m in sys.modules)\n"
        "print(json.dumps([code, loaded, out.getvalue()]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
        env=None if env is None else {**os.environ, **env},
    )  # fmt: skip
    code, loaded, printed = json.loads(run.stdout.strip().splitlines()[-1])
    return code, loaded, printed


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--help"], 0),
        (["--version"], 0),
        (["segment", "--help"], 0),
        (["history", "--help"], 0),
        (["campaign", "start", "--help"], 0),
        (["campaign", "start", "x", "--segment", "1", "--holdout", "abc"], 2),
        ([], 2),  # no command
        (["segmnet", "x.csv"], 2),  # a misspelt command
        (["segment"], 2),  # no file
        (["segment", "x.csv", "--k", "99"], 2),  # k out of range: said before reading
        (["sample", "out.txt"], 2),  # a format `sample` does not write
    ],
)
def test_help_version_and_wrong_usage_load_nothing_heavy(argv, code):
    assert loaded_after(argv) == (code, [])


def test_segment_json_draws_nothing(tmp_path, sample_csv_bytes):
    """`segment --json` loads what segmenting needs, and no charting library."""
    orders = tmp_path / "orders.csv"
    orders.write_bytes(sample_csv_bytes)
    code, loaded = loaded_after(["segment", str(orders), "--json"])
    assert code == 0
    assert "matplotlib" not in loaded and {"pandas", "sklearn", "duckdb"} <= set(loaded)


def test_an_export_with_other_dates_reads_compiled_queries_and_loads_no_ibis(tmp_path):
    """Queries compiled for one export serve the next of the same layout, whose dates
    differ: no ibis, and the same figures as when its queries are compiled afresh."""
    from segmentation.sample import sample_export

    first, later = tmp_path / "first.csv", tmp_path / "later.csv"
    frame, _ = sample_export(rows=3_000, seed=1)
    frame.to_csv(first, index=False)
    moved, _ = sample_export(rows=4_000, seed=2)
    moved["InvoiceDate"] = pd.to_datetime(moved["InvoiceDate"]) + pd.Timedelta(days=45)
    moved.to_csv(later, index=False)
    kept, fresh = tmp_path / "kept", tmp_path / "fresh"
    kept.mkdir()
    fresh.mkdir()

    code, _, compiled = run_cli(["segment", str(first), "--json"], env={"TMPDIR": str(kept)})
    assert code == 0
    code, loaded, warm = run_cli(["segment", str(later), "--json"], env={"TMPDIR": str(kept)})
    assert code == 0 and "ibis" not in loaded
    *_, cold = run_cli(["segment", str(later), "--json"], env={"TMPDIR": str(fresh)})
    assert json.loads(warm) == json.loads(cold)
    assert json.loads(warm)["as_of"] != json.loads(compiled)["as_of"]
