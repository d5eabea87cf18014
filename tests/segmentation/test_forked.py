"""Work done by a forked copy of the process: its bytes come back whole, a copy that fails
or dies leaves the work to this process, a copy not waited for is stopped, and the garbage
collector is paused only while the copy runs. A standby copy, made before its work is known,
prepares apart and answers the same way, beside another."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
from functools import partial
from importlib import import_module
from pathlib import Path

import pytest

from segmentation.forked import forked, standby

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


# ``standby``: a copy made before its work is known, given the work by name.

HERE = "tests.segmentation.test_forked"


def pid_and(payload: bytes) -> tuple[int, bytes]:
    return os.getpid(), payload


def fails_in_a_copy(parent: int) -> int:
    if os.getpid() != parent:
        raise RuntimeError("only in the copy")
    return os.getpid()


def dies_in_a_copy(parent: int) -> int:
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


def not_segmentable() -> None:
    raise ValueError("no customer column")


def imported(name: str) -> bool:
    return name in sys.modules


@copies
def test_a_standby_copy_does_the_work_it_is_given_and_its_value_comes_back_whole():
    big = os.urandom(3 * 1024 * 1024)  # both ways, far more than a pipe holds at once
    with standby(lambda: None) as copy:
        pid, payload = copy.run(f"{HERE}:pid_and", big)()
    assert pid != os.getpid()
    assert payload == big


@copies
def test_a_standby_copy_prepares_while_this_process_goes_on():
    module = "tests.segmentation.standby_prepared"
    with standby(partial(import_module, module)) as copy:
        assert copy.run(f"{HERE}:imported", module)()
    assert module not in sys.modules  # imported in the copy only


def test_a_standby_copy_that_fails_or_dies_leaves_the_work_to_this_process():
    here = os.getpid()
    with standby(lambda: None) as copy:
        assert copy.run(f"{HERE}:fails_in_a_copy", here)() == here
    with standby(lambda: None) as copy:
        assert copy.run(f"{HERE}:dies_in_a_copy", here)() == here


def test_a_copy_that_fails_to_prepare_leaves_the_work_to_this_process():
    def prepare() -> None:
        raise ImportError("no such module")

    with standby(prepare) as copy:
        assert copy.run(f"{HERE}:pid_and", b"x")() == (os.getpid(), b"x")


def test_an_error_of_the_standby_work_itself_is_raised_here():
    with standby(lambda: None) as copy, pytest.raises(ValueError, match="no customer column"):
        copy.run(f"{HERE}:not_segmentable")()


@copies
@pytest.mark.timeout(30)
def test_two_standby_copies_answer_each_though_each_was_forked_holding_the_others_pipes():
    # As the command line uses them: the first's value is needed before the second has work
    # (a first copy waiting for its sibling to let go of its pipe would never answer).
    with standby(lambda: None) as first, standby(lambda: None) as second:
        pid_one, one = first.run(f"{HERE}:pid_and", b"1")()
        pid_two, two = second.run(f"{HERE}:pid_and", b"2")()
    assert (one, two) == (b"1", b"2")
    assert len({pid_one, pid_two, os.getpid()}) == 3


@copies
def test_a_standby_copy_given_no_work_or_not_waited_for_is_ended():
    with standby(lambda: None) as idle:
        pid = idle._copy[0]
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already ended and waited for
    with standby(lambda: time.sleep(5)) as slow:
        pid = slow._copy[0]
        slow.run(f"{HERE}:pid_and", b"x")  # its value is never asked for
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_without_fork_the_standby_work_is_done_here(monkeypatch):
    monkeypatch.delattr(os, "fork")
    with standby(lambda: None) as copy:
        assert copy.run(f"{HERE}:pid_and", b"x")() == (os.getpid(), b"x")


def test_off_linux_no_standby_copy_is_made(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")  # where a copy may crash or hang
    with standby(lambda: None) as copy:
        assert copy._copy is None
        assert copy.run(f"{HERE}:pid_and", b"x")() == (os.getpid(), b"x")


def test_a_ctrl_c_while_forking_is_raised_once_the_copy_is_known_not_lost():
    """A fork runs Python handlers of its own (logging's): a KeyboardInterrupt raised inside
    one is printed and swallowed. Held back, it is raised by ``forked`` and ``standby``
    themselves, and the copy just made is ended and waited for."""
    code = textwrap.dedent("""
        import os, signal
        from segmentation.forked import forked, standby

        armed = []

        def interrupt():  # as a Ctrl-C that comes while the process forks
            if armed:
                armed.pop()
                os.kill(os.getpid(), signal.SIGINT)

        os.register_at_fork(before=interrupt)
        for make in (lambda: standby(lambda: None), lambda: forked(lambda: b"x")):
            armed.append(True)
            try:
                with make():
                    print("not interrupted")
            except KeyboardInterrupt:
                print("interrupted")
        try:
            os.waitpid(-1, os.WNOHANG)
            print("a copy is left")
        except ChildProcessError:
            print("no copy left")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.splitlines() == ["interrupted", "interrupted", "no copy left"]
    assert done.stderr == ""
