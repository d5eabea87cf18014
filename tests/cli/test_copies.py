"""The `segbot` command's own process reads the file, and draws the charts, in forked copies
of itself while it imports the rest (``cli.segment``): what it writes and says is what one
process doing it all writes and says, and a file it can't segment is one plain line still."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# Run in a fresh interpreter, as the command is: the segment command with ``copies`` (as
# ``cli.run`` calls it) and then without; where ``read_and_prepare`` ran is written down,
# and whether this process ever imported matplotlib.
COMMAND = textwrap.dedent("""
    import contextlib, io, json, os, sys
    import cli.segment as segment
    from cli import main

    argv, where = sys.argv[1:-1], sys.argv[-1]
    read = segment.read_and_prepare

    def noted(*args, **kwargs):
        with open(where, "a") as log:
            log.write(f"{os.getpid()}\\n")
        return read(*args, **kwargs)

    segment.read_and_prepare = noted
    said = {}
    for copies in (True, False):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([a.replace("{copies}", str(copies)) for a in argv], copies=copies)
        said[str(copies)] = {"code": code, "out": out.getvalue(), "err": err.getvalue(),
                             "matplotlib": "matplotlib" in sys.modules}
    print(json.dumps({"pid": os.getpid(), **said}))
""")


def fresh_command(argv: list[str], log: Path) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", COMMAND, *argv, str(log)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture
def orders(tmp_path: Path, sample_csv_bytes: bytes) -> Path:
    path = tmp_path / "orders.csv"
    path.write_bytes(sample_csv_bytes)
    return path


def test_the_copies_read_and_draw_and_the_report_is_the_one_a_single_process_writes(
    tmp_path: Path, orders: Path
):
    log = tmp_path / "read-by.txt"
    said = fresh_command(["segment", str(orders), "--out", str(tmp_path / "{copies}")], log)
    with_copies, alone = said["True"], said["False"]
    readers = [int(pid) for pid in log.read_text().split()]
    assert readers[0] != said["pid"] and readers[1:] == [said["pid"]]
    assert not with_copies["matplotlib"]  # the charts were drawn by the copy
    assert with_copies["code"] == alone["code"] == 0
    assert with_copies["out"].replace("True", "False") == alone["out"]
    files = sorted(p.name for p in (tmp_path / "True").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "False").iterdir())
    assert {"report.md", "segments.csv", "pair-plot.png"} <= set(files)
    for name in files:
        assert (tmp_path / "True" / name).read_bytes() == (tmp_path / "False" / name).read_bytes()


def test_the_json_summary_is_the_same_read_by_a_copy(tmp_path: Path, orders: Path):
    said = fresh_command(["segment", str(orders), "--json", "--k", "3"], tmp_path / "log")
    assert said["True"]["code"] == said["False"]["code"] == 0
    assert json.loads(said["True"]["out"]) == json.loads(said["False"]["out"])


def test_a_file_the_copy_cannot_read_is_one_plain_line(tmp_path: Path):
    people = tmp_path / "people.csv"
    people.write_text("name,city\nann,paris\n")
    said = fresh_command(
        ["segment", str(people), "--out", str(tmp_path / "{copies}")], tmp_path / "log"
    )
    for run in (said["True"], said["False"]):
        assert run["code"] == 2 and run["out"] == ""
        assert run["err"].startswith("segbot: I couldn't find these columns")
        assert run["err"].count("\n") == 1 and "Traceback" not in run["err"]
    assert said["True"]["err"] == said["False"]["err"]


REAL = Path(__file__).resolve().parents[2] / "data" / "online_retail.parquet"


@pytest.mark.parametrize("after", [0.3, 0.7, 1.1, 1.5, 1.9])
def test_ctrl_c_at_any_point_ends_the_command_and_its_copies_quietly(tmp_path: Path, after: float):
    """Ctrl-C reaches the whole foreground group: the command, its copies and theirs. Whatever
    each was doing (importing, reading, a query on the engine, drawing), the command ends
    as interrupted without a word (or had finished), and leaves no process running."""
    command = subprocess.Popen(
        [sys.executable, "-m", "cli", "segment", str(REAL), "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, as a terminal's foreground job
        env={**os.environ, "PYTHONPATH": str(REAL.parents[1])},
    )
    time.sleep(after)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(command.pid, signal.SIGINT)
    _out, err = command.communicate(timeout=60)
    # Stopped by the signal itself (-2) when it came as the interpreter started or ended.
    assert command.returncode in (0, 130, -signal.SIGINT), err.decode()
    assert err == b""
    # Each copy was ended and waited for by the process that made it: none is left, not
    # even as a zombie for init to reap.
    ps = ["ps", "-o", "pid=,stat=,args=", "-g", str(command.pid)]
    assert subprocess.run(ps, capture_output=True, text=True).stdout == ""
