"""Work done by a forked copy of this process, its bytes sent back through a pipe.

Drawing a chart is interpreter work (matplotlib builds its artists in Python and lays text
out glyph by glyph), so a second thread only waits for the first; a copy of the process,
which has the result and matplotlib loaded already, draws beside it on the other core, with
nothing to send over but the PNG. Where no copy can be made (no ``fork`` on the platform,
a process or memory limit), where the process may run on one processor only, or where the
copy fails, the work is done here, so a caller always gets the same bytes.

``standby`` makes the copy before the work is known, so that what the work needs is imported
there while this process imports and computes what the work will be given: a command that
draws charts pays for matplotlib on the other core.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from importlib import import_module
from typing import Any

from segmentation.interrupts import Handler, interrupts_deferred

Work = Callable[[], bytes]
# The ends of the pipes to standby copies this process holds: a copy forked later closes
# them, or a copy waiting for the end of its work's pipe would wait on its sibling too.
_ENDS: set[int] = set()
STOP_GRACE = 1.0  # seconds a standby copy at work has to end before it is killed


@contextmanager
def forked(work: Work) -> Iterator[Work]:
    """``work`` started in a forked copy of this process: call what this yields for its
    bytes, inside the block (a copy still running when the block ends is stopped).

    Only the forking thread lives on in the copy, so ``work`` must need no lock another
    thread may hold (matplotlib's drawing and Pillow's encoding take none). While the copy
    runs, this process's cyclic garbage collector waits: a collection writes to every object
    it tracks, so each memory page the two still share would be copied (drawing the charts
    took 0.52 s with it, 0.40 s without, and 0.57 s with no copy).
    """
    if not (hasattr(os, "fork") and _cores() > 1):
        yield work
        return
    copy = None
    collecting = gc.isenabled()
    try:
        with interrupts_deferred() as handler:  # raised once the copy is known
            copy = _fork(work, handler)
        if copy is None:
            yield work
            return
        gc.disable()
        yield lambda: _collected(copy, work)
    finally:
        if collecting:
            gc.enable()
        if copy is not None:
            _stop(*copy)


def _cores() -> int:
    """The processors this process may run on: on one, a copy would only take turns with it."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on this platform
        return os.cpu_count() or 1


def _fork(work: Work, handler: Handler) -> tuple[int, int] | None:
    """The copy's process id and the end of the pipe its bytes come through (None when no
    copy can be made)."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:  # no process left under the limits, or no memory for the page tables
        os.close(read)
        os.close(write)
        return None
    if pid == 0:
        signal.signal(signal.SIGINT, handler)
        _run_and_exit(work, read, write)
    os.close(write)
    return pid, read


def _run_and_exit(work: Work, read: int, write: int) -> None:
    """In the copy: do the work, send it, and leave without running anything else."""
    status = 1
    try:
        gc.disable()  # a collection here would copy the shared pages as well
        os.close(read)
        _send(write, work())
        status = 0
    finally:
        os._exit(status)  # no exit handlers, no flushing of buffers the parent owns


def _collected(copy: tuple[int, int], work: Work) -> bytes:
    """The copy's bytes once it has finished; ``work()`` here when it failed or was killed
    (its error, if it has one, is then raised in this process)."""
    data = _received(*copy)
    return work() if data is None else data


def _send(end: int, data: bytes) -> None:
    """All of ``data`` into the pipe ``end`` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(end, view) :]


def _received(pid: int, end: int) -> bytes | None:
    """What the copy ``pid`` sent through ``end``, read to the end, once it has ended; None
    when it failed or was killed, or was waited for by someone else (how it ended is not
    known)."""
    with open(end, "rb", closefd=False) as pipe:
        data = pipe.read()
    try:
        _pid, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return data if os.waitstatus_to_exitcode(status) == 0 else None


def _stop(pid: int, read: int, *, grace: float = 0.0) -> None:
    """The copy ended (stopped if still running after ``grace`` seconds) and its pipe closed."""
    with suppress(ChildProcessError):  # already waited for by ``_collected``
        deadline = time.monotonic() + grace
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() >= deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.01)
    os.close(read)


class Standby:
    """A copy of this process made ahead of its work (``standby``): ``run`` hands it the work."""

    def __init__(self, copy: tuple[int, int, int] | None) -> None:
        self._copy = copy  # process id, the end requests go in, the end answers come from
        self._sent = False

    def run(self, work: str, *args: Any, **kwargs: Any) -> Callable[[], Any]:
        """``work(*args, **kwargs)`` sent to the copy, ``work`` named as ``"module:function"``
        (this process need not import what the copy imported), the arguments pickled: call
        what this returns for its value. Where there is no copy, or it was given work already,
        fails (its error is then raised here) or dies, the work is done here when the value is
        asked for."""
        here = partial(_call, work, args, kwargs)
        if self._copy is None or self._sent:
            return here
        self._sent = True
        _pid, request, _answer = self._copy
        try:
            _send(request, pickle.dumps((work, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001 - what cannot be pickled, or a copy that died, is done here
            return here
        finally:
            _close(request)  # the copy reads to the end of the pipe
        return partial(self._answer, here)

    def _answer(self, here: Callable[[], Any]) -> Any:
        """The copy's value of the work, or ``here()`` when it failed or died."""
        if self._copy is None:  # asked for twice, or after ``stop``
            return here()
        pid, _request, answer = self._copy
        try:
            data = _received(pid, answer)
        except BaseException:  # interrupted (Ctrl-C): the copy is ended and waited for
            self.stop()
            raise
        self._copy = None
        _close(answer)
        return here() if data is None else pickle.loads(data)

    def stop(self) -> None:
        """End the copy (stopped if still running) unless its answer was read."""
        if self._copy is None:
            return
        pid, request, answer = self._copy
        self._copy = None
        if not self._sent:
            _close(request)
        _ENDS.discard(answer)
        # A copy at work was most likely stopped by the same Ctrl-C as this process: it is
        # given a moment to end its own copies, or they would outlive it unwaited for.
        _stop(pid, answer, grace=STOP_GRACE if self._sent else 0.0)


@contextmanager
def standby(prepare: Callable[[], object]) -> Iterator[Standby]:
    """A forked copy of this process that runs ``prepare()`` (imports, say) at once, then waits
    for the work ``Standby.run`` gives it; a copy given none is stopped when the block ends.

    Make it before this process starts threads: only the forking thread lives on in the
    copy, and a lock another thread held would stay held there. Copies are made on Linux
    only: on macOS a copy of a process that has loaded the system's frameworks (numpy's
    Accelerate) may crash or hang, and a hang would hold this process too."""
    made = sys.platform == "linux" and hasattr(os, "fork") and _cores() > 1
    helper = Standby(None)
    try:
        if made:
            with interrupts_deferred() as handler:  # raised once the copy is known
                helper = Standby(_fork_standby(prepare, handler))
        yield helper
    finally:
        helper.stop()


def _fork_standby(prepare: Callable[[], object], handler: Handler) -> tuple[int, int, int] | None:
    try:
        request_read, request_write = os.pipe()
    except OSError:
        return None
    try:
        answer_read, answer_write = os.pipe()
    except OSError:
        os.close(request_read)
        os.close(request_write)
        return None
    try:
        pid = os.fork()
    except OSError:
        for end in (request_read, request_write, answer_read, answer_write):
            os.close(end)
        return None
    if pid == 0:
        signal.signal(signal.SIGINT, handler)
        for end in (request_write, answer_read, *_ENDS):
            with suppress(OSError):
                os.close(end)
        _ENDS.clear()
        _serve_and_exit(prepare, request_read, answer_write)
    os.close(request_read)
    os.close(answer_write)
    _ENDS.update((request_write, answer_read))
    return pid, request_write, answer_read


def _serve_and_exit(prepare: Callable[[], object], request: int, answer: int) -> None:
    """In the copy: prepare, read the work (none when the pipe closes empty), send its value."""
    status = 1
    try:
        gc.disable()  # a collection here would copy the pages shared with the parent
        prepare()
        with open(request, "rb") as pipe:
            sent = pipe.read()
        if sent:
            value = _call(*pickle.loads(sent))
            _send(answer, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        status = 0
    finally:
        os._exit(status)


def _call(work: str, args: tuple, kwargs: dict) -> Any:
    module, _, function = work.partition(":")
    return getattr(import_module(module), function)(*args, **kwargs)


def _close(end: int) -> None:
    _ENDS.discard(end)
    os.close(end)
