"""Ctrl-C deferred: noted inside the block, raised at its end as it would have been; the
handler before the block put back; nothing changed outside the main thread."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT
    )


def test_a_ctrl_c_inside_the_block_is_raised_at_its_end():
    done = run("""
        import os, signal
        from segmentation.interrupts import interrupts_deferred

        before = signal.getsignal(signal.SIGINT)
        steps = []
        try:
            with interrupts_deferred():
                os.kill(os.getpid(), signal.SIGINT)
                steps.append("the block went on")
        except KeyboardInterrupt:
            steps.append("raised at its end")
        print(steps, signal.getsignal(signal.SIGINT) is before)
    """)
    assert done.stdout.strip() == "['the block went on', 'raised at its end'] True", done.stderr


def test_the_handler_before_the_block_hears_it():
    done = run("""
        import os, signal
        from segmentation.interrupts import interrupts_deferred

        heard = []
        signal.signal(signal.SIGINT, lambda signum, frame: heard.append(signum))
        with interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
            print("inside", heard)
        print("after", heard)
    """)
    assert done.stdout.splitlines() == ["inside []", "after [2]"], done.stderr


def test_without_a_ctrl_c_the_block_ends_as_it_came():
    done = run("""
        import signal
        from segmentation.interrupts import interrupts_deferred

        before = signal.getsignal(signal.SIGINT)
        with interrupts_deferred() as handler:
            pass
        print(handler is before, signal.getsignal(signal.SIGINT) is before)
    """)
    assert done.stdout.strip() == "True True", done.stderr


def test_outside_the_main_thread_nothing_changes():
    done = run("""
        import signal, threading
        from segmentation.interrupts import interrupts_deferred

        seen = []

        def inside():
            with interrupts_deferred() as handler:
                seen.append(signal.getsignal(signal.SIGINT) is handler)

        thread = threading.Thread(target=inside)
        thread.start()
        thread.join()
        print(seen, signal.getsignal(signal.SIGINT) is signal.default_int_handler)
    """)
    assert done.stdout.strip() == "[True] True", done.stderr
