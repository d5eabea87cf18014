"""Every wrong use of `segbot` is one line ``segbot: …`` and exit code 2, never a traceback;
--version; tidy paths; one k range with Slack; a cold start that loads only what is used."""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import storage
from bot.errors import UserError
from bot.requests import parse_k as slack_k
from cli import BROKEN_PIPE, main
from cli.args import parse_k
from cli.stored import DEFAULT_DB
from segmentation.choices import K_MAX, K_MIN, K_RANGE


@pytest.fixture
def orders(tmp_path, sample_csv_bytes) -> Path:
    path = tmp_path / "orders.csv"
    path.write_bytes(sample_csv_bytes)
    return path


def one_line_error(capsys) -> str:
    """stderr, checked to be a single ``segbot: …`` line."""
    err = capsys.readouterr().err
    assert err.startswith("segbot: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def exits_2(argv: list[str]) -> None:
    """``argv`` is refused: by argparse (SystemExit 2) or by the command (returns 2)."""
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["segment", "orders.csv", "--k", "1"],
        ["segment", "orders.csv", "--k", "0"],
        ["segment", "orders.csv", "--k", "11"],
        ["segment", "orders.csv", "--k", "²"],
        ["segment", "orders.csv", "--k", "9" * 5000],
        ["segment", "orders.csv", "--seed", "-1"],
        ["segment", "orders.csv", "--as-of", "yesterday"],
        ["sample", "orders.json"],
        ["sample", "orders.csv", "--rows", "0"],
        ["history", "--limit", "-3"],
        ["show", "first"],
        ["frobnicate"],
        [],
    ],
)
def test_argument_errors_are_one_line(argv, capsys):
    exits_2(argv)
    one_line_error(capsys)


def test_missing_input_and_a_folder_as_input(tmp_path, capsys):
    exits_2(["segment", str(tmp_path / "nope.csv")])
    assert "no file at" in one_line_error(capsys)
    exits_2(["segment", str(tmp_path)])
    assert "is a folder" in one_line_error(capsys)


def test_sample_into_a_folder_that_does_not_exist(tmp_path, capsys):
    exits_2(["sample", str(tmp_path / "missing" / "orders.csv")])
    assert "does not exist" in one_line_error(capsys)
    (tmp_path / "file").write_text("")
    exits_2(["sample", str(tmp_path / "file" / "orders.csv")])
    assert "is a file" in one_line_error(capsys)
    assert not list((tmp_path).glob("**/orders.csv"))


def test_out_on_an_existing_file_is_refused_before_any_work(tmp_path, orders, capsys):
    target = tmp_path / "report.md"
    target.write_text("mine")
    exits_2(["segment", str(orders), "--out", str(target)])
    assert "is a file" in one_line_error(capsys)
    exits_2(["segment", str(orders), "--out", str(target / "deeper")])
    assert "is a file" in one_line_error(capsys)
    assert target.read_text() == "mine"


def test_db_and_export_targets(tmp_path, orders, capsys):
    exits_2(["segment", str(orders), "--db", str(tmp_path)])
    assert "is a folder" in one_line_error(capsys)
    exits_2(["segment", str(orders), "--db", str(tmp_path / "no" / "segbot.db")])
    assert "does not exist" in one_line_error(capsys)
    exits_2(["history", "--db", str(tmp_path)])
    one_line_error(capsys)
    exits_2(["export", "1", "--db", str(tmp_path / "x.db"), "-o", str(tmp_path / "no" / "a.csv")])
    assert "does not exist" in one_line_error(capsys)


def test_report_path_is_printed_tidy(tmp_path, orders, capsys):
    out = f"{tmp_path}/report//"
    assert main(["segment", str(orders), "--out", out]) == 0
    printed = capsys.readouterr().out
    assert f"Report written to {tmp_path}/report/report.md" in printed and "//" not in printed


def test_version_is_the_installed_one(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"segbot {version('segbot')}"


def test_one_k_range_for_the_command_line_and_slack():
    def accepted(parse, error) -> list[int]:
        ks = []
        for k in range(-2, 30):
            with contextlib.suppress(error):
                ks.append(parse(str(k)))
        return ks

    assert accepted(parse_k, argparse.ArgumentTypeError) == list(K_RANGE)
    assert accepted(slack_k, UserError) == list(K_RANGE)
    assert (K_RANGE.start, K_RANGE.stop - 1) == (K_MIN, K_MAX)


def test_default_database_is_storage_s():
    assert Path(DEFAULT_DB) == storage.DEFAULT_DB_PATH


def test_a_closed_pipe_ends_quietly(orders):
    """`segbot segment … --json | head -1`: the reader is gone before segbot writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "cli", "segment", str(orders), "--json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert run.returncode == BROKEN_PIPE and run.stderr == ""


def test_cold_start_loads_no_charts_kneed_or_database(orders):
    """`segbot segment FILE --json` draws nothing and stores nothing: matplotlib, kneed with
    scipy.signal, and sqlite-utils stay unloaded."""
    code = (
        "import sys, io, contextlib\n"
        "from cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['segment', {str(orders)!r}, '--json']) == 0\n"
        "heavy = ('matplotlib', 'kneed', 'scipy.signal', 'sqlite_utils', 'seaborn')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert run.stdout.strip() == "[]", run.stderr
