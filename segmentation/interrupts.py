"""Ctrl-C deferred over the few steps a KeyboardInterrupt raised in their middle would harm.

Python raises KeyboardInterrupt in the main thread wherever it happens to be. Two places
cannot take it: DuckDB's native module, whose initialisation aborts the whole process
(nanobind: "Critical nanobind error") when an exception is raised while it creates its types;
and a fork, whose own Python handlers (logging's) print the exception and swallow it, so the
interrupt is lost. Masking the signal would not do: another thread (OpenBLAS's) may take it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Handler = Any  # what ``signal.signal`` returns: a callable, SIG_DFL, SIG_IGN or None


@contextmanager
def interrupts_deferred() -> Iterator[Handler]:
    """A Ctrl-C inside the block is noted, then raised at its end as it would have been (the
    handler before the block is put back and the signal sent again). Yields that handler, for
    a forked copy to put back itself. Outside the main thread nothing changes: Python raises
    KeyboardInterrupt in the main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield signal.getsignal(signal.SIGINT)
        return
    noted: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: noted.append(signum))
    try:
        yield previous
    finally:
        signal.signal(signal.SIGINT, previous)
        if noted:
            signal.raise_signal(signal.SIGINT)
