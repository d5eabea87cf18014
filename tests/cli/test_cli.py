"""The `segbot` command line, run in-process and as the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess

import pandas as pd
import pytest

from cli import main

# The keys of `segbot segment --json`: scripts read them, so they stay put.
JSON_KEYS = [
    "rows_read", "rows_kept", "customers", "total_spend", "dropped", "cancellations",
    "cancelled_lines", "duplicate_lines", "first_purchase", "last_purchase", "as_of",
    "date_order", "mapping", "k", "k_forced", "k_reason", "k_kept_from", "k_scores", "stability",
    "random_state", "notes", "segments", "lifecycle", "currency", "returned_value", "net_spend",
    "left_out_customers", "predictions", "expected_revenue_90d", "prediction_check",
]  # fmt: skip


def test_sample_then_segment_json(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    assert main(["sample", "--rows", "5000", "--seed", "2", str(path)]) == 0
    assert path.exists()
    capsys.readouterr()
    assert main(["segment", str(path), "--json", "--k", "3"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == JSON_KEYS
    assert result["k"] == 3 and len(result["segments"]) == 3
    assert result["mapping"]["customer"] == "CustomerID"
    assert result["dropped"]["missing customer"] > 0


@pytest.mark.parametrize("k", ["1", "11", "three"])
def test_k_outside_the_offered_range_is_an_argument_error(tmp_path, capsys, k):
    with pytest.raises(SystemExit) as exit_:
        main(["segment", str(tmp_path / "orders.csv"), "--k", k])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --k: '{k}' won't work" in err and "from 2 to 10" in err


def test_sample_is_deterministic(tmp_path):
    for name in ("a.parquet", "b.parquet"):
        assert main(["sample", "--rows", "3000", "--seed", "5", str(tmp_path / name)]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet")
    )


def test_human_summary_and_mapping(tmp_path, capsys):
    path = tmp_path / "clients.csv"
    path.write_text(
        "Client Ref,Day,Value\n"
        + "".join(f"c{i % 40},2023-0{1 + i % 9}-1{i % 9},{5 + i % 17}\n" for i in range(400))
    )
    assert (
        main(["segment", str(path), "--map", 'customer="Client Ref"', "--as-of", "2023-12-31"]) == 0
    )
    out = capsys.readouterr().out
    assert "Read 400 rows, kept 400" in out and "Recency measured to 2023-12-31" in out
    assert "k = " in out and "refits on resampled customers" in out


def test_bad_file_exits_non_zero_with_plain_message(tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text("name,city\nann,paris\n")
    assert main(["segment", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("segbot: I couldn't find these columns") and "Traceback" not in err


def test_console_script_is_installed(tmp_path):
    script = shutil.which("segbot") or str(
        __import__("pathlib").Path(__import__("sys").executable).parent / "segbot"
    )
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    run = subprocess.run([script, "segment", str(bad)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "is empty" in run.stderr and "Traceback" not in run.stderr
