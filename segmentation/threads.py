"""Work on threads: native pools (BLAS, OpenMP) limited to one thread through one controller,
and work started alongside on a thread of its own when one can start."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from threadpoolctl import ThreadpoolController

Item = TypeVar("Item")


@functools.cache
def _controller() -> ThreadpoolController:
    # Made once: finding the process's BLAS and OpenMP libraries takes about 15 ms, and a
    # run limits the pools five times.
    return ThreadpoolController()


def one_thread(user_api: str | None = None):
    """A context in which the native pools of ``user_api`` ("blas", "openmp"; None: all)
    run one thread."""
    return _controller().limit(limits=1, user_api=user_api)


def meanwhile(
    pool: ThreadPoolExecutor, work: Callable, *args, **kwargs
) -> Callable[[], Any] | None:
    """``work`` started on ``pool``: call the result to wait for its value. None when no
    thread can start (near a worker's memory cap): the caller then does the work itself."""
    try:
        return pool.submit(work, *args, **kwargs).result
    except RuntimeError:  # "can't start new thread"
        return None


def on_two_threads(work: Callable[[Item], None], items: Iterable[Item]) -> None:
    """``work`` done on each of ``items``, by this thread and one more taking the next item
    as each is free (for work whose native code lets go of the interpreter). This thread
    does them all when the other cannot start."""
    pending, lock, done = iter(items), threading.Lock(), object()

    def take_until_none_left() -> None:
        while True:
            with lock:
                item = next(pending, done)
            if item is done:
                return
            work(item)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="alongside") as pool:
        other = meanwhile(pool, take_until_none_left)
        take_until_none_left()
        if other is not None:
            other()
