"""Work spread over two threads: each item done once, by both threads, errors reaching the
caller, and everything done in line when no second thread can start."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections import Counter

import pytest

from segmentation.threads import on_two_threads


def test_each_item_is_done_once_and_both_threads_work():
    both_started = threading.Barrier(2, timeout=10)
    done: Counter[int] = Counter()
    workers: set[str] = set()
    lock = threading.Lock()

    def work(item: int) -> None:
        if item < 2:  # the first two items meet: only two threads at once get past this
            both_started.wait()
        with lock:
            done[item] += 1
            workers.add(threading.current_thread().name)

    on_two_threads(work, range(50))

    assert done == Counter(range(50))
    assert len(workers) == 2 and threading.current_thread().name in workers


def test_an_error_in_the_work_reaches_the_caller():
    def work(item: int) -> None:
        if item == 7:
            raise ValueError("item 7 is bad")

    with pytest.raises(ValueError, match="item 7 is bad"):
        on_two_threads(work, range(20))


def test_everything_is_done_in_line_when_no_thread_can_start():
    # A thread's stack is reserved when it starts: with room for less than one stack, the
    # process cannot start another thread, as near a worker's memory cap.
    script = textwrap.dedent(
        """
        import resource, threading
        from segmentation.threads import on_two_threads

        threading.stack_size(512 * 1024 * 1024)
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        room = pages * resource.getpagesize() + 64 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (room, room))
        try:
            threading.Thread(target=print).start()
        except RuntimeError:
            pass
        else:
            raise SystemExit("a thread started: the test does not test what it says")
        seen = []
        on_two_threads(lambda item: seen.append((item, threading.current_thread().name)), range(5))
        assert seen == [(i, "MainThread") for i in range(5)], seen
        print("in line")
        """
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "in line"
