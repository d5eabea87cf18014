"""Start-up pays only for what a command uses: checked in a fresh interpreter per command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# What a command that reads no export must not load (each costs tenths of a second).
HEAVY = ("pandas", "numpy", "pyarrow", "sklearn", "scipy", "ibis", "duckdb", "matplotlib")


def loaded_after(argv: list[str]) -> tuple[int, list[str]]:
    """Run ``cli.main(argv)`` in a fresh interpreter: its exit code and the HEAVY modules
    loaded by then (argparse ends --help, --version and wrong usages with SystemExit)."""
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
        "print(json.dumps([code, sorted(m for m in heavy if m in sys.modules)]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    code, loaded = json.loads(run.stdout.strip().splitlines()[-1])
    return code, loaded


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
