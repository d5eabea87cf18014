"""Work done by a forked copy of the process: its bytes come back whole, a copy that fails
or dies leaves the work to this process, a copy not waited for is stopped, and the garbage
collector is paused only while the copy runs."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from segmentation.forked import forked

ROOT = Path(__file__).resolve().parents[2]
# A copy is only made where the process may run on two processors or more.
copies = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2, reason="one processor: the work is done in this process"
)


@copies
def test_the_copy_does_the_work_and_its_bytes_come_back_whole():
    here = os.getpid()
    big = os.urandom(3 * 1024 * 1024)  # far more than a pipe holds at once

    def work() -> bytes:
        return str(os.getpid()).encode() + b"|" + big

    with forked(work) as copy:
        pid, _, data = copy().partition(b"|")
    assert int(pid) != here
    assert data == big


def test_a_copy_that_fails_leaves_the_work_to_this_process():
    here = os.getpid()

    def work() -> bytes:
        if os.getpid() != here:
            raise RuntimeError("only in the copy")
        return b"done here"

    with forked(work) as copy:
        assert copy() == b"done here"


def test_a_copy_that_is_killed_leaves_the_work_to_this_process():
    here = os.getpid()

    def work() -> bytes:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return b"done here"

    with forked(work) as copy:
        assert copy() == b"done here"


def test_an_error_of_the_work_itself_is_raised_here():
    def work() -> bytes:
        raise ValueError("not drawable")

    with forked(work) as copy, pytest.raises(ValueError, match="not drawable"):
        copy()


def test_a_copy_not_waited_for_is_stopped(tmp_path: Path):
    marker = tmp_path / "finished"

    def work() -> bytes:
        time.sleep(0.5)
        marker.write_text("the copy ran on")
        return b""

    with forked(work):
        pass
    time.sleep(1.0)
    assert not marker.exists()


@copies
def test_the_collector_waits_only_while_the_copy_runs():
    assert gc.isenabled()
    with forked(lambda: b"x") as copy:
        assert not gc.isenabled()
        copy()
    assert gc.isenabled()
    gc.disable()
    try:
        with forked(lambda: b"x") as copy:
            copy()
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_without_fork_the_work_is_done_here(monkeypatch):
    monkeypatch.delattr(os, "fork")  # as on a platform that has none
    here = os.getpid()
    with forked(lambda: str(os.getpid()).encode()) as copy:
        assert copy() == str(here).encode()


def test_on_one_processor_the_work_is_done_here():
    code = textwrap.dedent("""
        import os
        from segmentation.forked import forked
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        with forked(lambda: str(os.getpid()).encode()) as copy:
            print(copy().decode() == str(os.getpid()))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "True", done.stderr
