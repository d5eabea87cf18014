"""Work on threads: native pools (BLAS, OpenMP) limited to one thread through one controller,
and work started alongside on a thread of its own when one can start."""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from threadpoolctl import ThreadpoolController


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
