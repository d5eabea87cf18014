"""Native thread pools (BLAS, OpenMP) limited to one thread, through one controller."""

from __future__ import annotations

import functools

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
