"""Worker processes die with the bot: a worker never outlives the process that owns its jobs.

A worker left running after the bot was killed would finish a job no one posts. Workers are
forked by a forkserver, which lives as long as any worker does, so "my parent died" is not
enough: a daemon thread waits on multiprocessing's sentinel for the process that asked for the
worker (the bot), which becomes ready the moment the bot dies, and exits at once. On Linux the
kernel also kills the worker when its direct parent dies (``prctl(PR_SET_PDEATHSIG)``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1


def follow_parent() -> None:
    """Call first thing in a worker: from now on it dies when the bot (or its parent) does."""
    _kill_on_parent_death()
    owner = multiprocessing.parent_process()
    if owner is None:  # not started by multiprocessing: nothing to follow
        return
    if not owner.is_alive():
        os._exit(1)
    threading.Thread(target=_exit_with, args=(owner,), name="segbot-lifeline", daemon=True).start()


def _kill_on_parent_death() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc or no prctl: the sentinel is enough
        pass


def _exit_with(owner: multiprocessing.process.BaseProcess) -> None:
    owner.join()  # returns when the bot's end of the sentinel pipe closes: it died or exited
    os._exit(1)
