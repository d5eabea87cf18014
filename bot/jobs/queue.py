"""A bounded background worker: at most ``workers`` jobs run at once, in separate processes.

Heavy pandas/scikit-learn/matplotlib work happens in a ``ProcessPoolExecutor`` so Bolt's
threads stay free to acknowledge requests within Slack's 3 seconds. The waiting line is kept
here in the parent (so we know each job's position, and a crash only hits the running job),
progress from the children arrives on a multiprocessing queue, and a broken pool (a worker
killed, e.g. out of memory) is reported for its job and replaced.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from bot.errors import QueueFullError, UserError
from bot.jobs import worker
from bot.jobs.tasks import Task

log = logging.getLogger("segbot.jobs")


class JobCrashed(UserError):
    """The worker process died while running a job (often: it ran out of memory)."""


def new_job_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(eq=False)
class Job:
    """A task and what to do as it moves along (callbacks run on the parent's threads)."""

    task: Task
    name: str
    on_progress: Callable[[str], None]
    on_done: Callable[[Any, BaseException | None], None]
    finished: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def id(self) -> str:
        return self.task.job_id


def _context() -> multiprocessing.context.BaseContext:
    # fork would copy Bolt's threads and locks; forkserver starts clean and forks from a
    # server that has already imported the heavy modules, so a replacement worker is quick.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["bot.jobs.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


def _how_it_died(pool: ProcessPoolExecutor) -> str:
    """ "SIGKILL", "SIGSEGV", "exit 1"… for the worker that died first ("" if unknown)."""
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None and manager is not threading.current_thread():
        manager.join(timeout=5)  # it reaps the workers; reading their status alongside races
    codes = [p.exitcode for p in list((pool._processes or {}).values())]  # noqa: SLF001
    codes = [c for c in codes if c not in (None, 0, -signal.SIGTERM)]  # SIGTERM: the pool's
    if not codes:
        return ""
    if codes[0] < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-codes[0]).name
    return f"exit {codes[0]}"


def crash_text(name: str, how: str) -> str:
    """What the user is told when the worker process running their job died."""
    if how == "SIGKILL":
        cause = (
            "it was killed (SIGKILL): the system does that when memory runs out, "
            "and so does an operator stopping it"
        )
    elif how:
        cause = f"it crashed ({how})"
    else:
        cause = "it exited without a result"
    return (
        f"The worker processing `{name}` stopped before it finished: {cause}. Nothing was "
        "stored for it. Try again (a smaller export if it was large); "
        "I'm ready for the next one."
    )


class JobQueue:
    """``submit(job)`` → position (0 = running now); QueueFullError past ``capacity`` waiting."""

    def __init__(
        self, *, workers: int = 1, capacity: int = 10, memory_bytes: int | None = None
    ) -> None:
        self.workers = workers
        self.capacity = capacity
        self.memory_bytes = memory_bytes  # each worker's cap (None: none), see worker.init
        self._ctx = _context()
        self._progress = self._ctx.Queue()
        self._lock = threading.Lock()
        self._pending: deque[Job] = deque()
        self._running: dict[str, Job] = {}
        self._closed = False
        self._callbacks = ThreadPoolExecutor(max_workers=4, thread_name_prefix="segbot-job")
        self._pool = self._new_pool()
        self._listener = threading.Thread(target=self._relay, name="segbot-progress", daemon=True)
        self._listener.start()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self._ctx,
            initializer=worker.init,
            initargs=(self._progress, self.memory_bytes),
        )

    def warm_up(self) -> None:
        """Start and warm the worker processes now rather than on the first upload."""
        for future in [self._pool.submit(worker.warm_up) for _ in range(self.workers)]:
            future.result(timeout=120)

    def submit(self, job: Job) -> int:
        """Start or queue ``job``; its place in line (0 when it starts at once)."""
        with self._lock:
            if self._closed:
                raise UserError("The bot is shutting down; share the file again in a minute.")
            if len(self._running) < self.workers:
                self._start(job)
                return 0
            if len(self._pending) >= self.capacity:
                raise QueueFullError(
                    f"Sorry, I'm busy: {len(self._running)} job(s) are running and "
                    f"{len(self._pending)} are waiting. Please try again in a few minutes."
                )
            self._pending.append(job)
            return len(self._pending)

    def run(self, task: Task, *, name: str) -> Any:
        """Queue ``task`` like any job and wait for its result; for threads that may block.

        The digest scheduler uses it so a refresh runs in a worker process, in line with
        uploads, instead of competing with Bolt's threads for the interpreter.
        """
        waiting: Future = Future()

        def done(outcome: Any, error: BaseException | None) -> None:
            if error is None:
                waiting.set_result(outcome)
            else:
                waiting.set_exception(error)

        self.submit(Job(task=task, name=name, on_progress=lambda _stage: None, on_done=done))
        return waiting.result()

    def _start(self, job: Job) -> None:
        """Hand ``job`` to the pool (lock held)."""
        self._running[job.id] = job
        pool = self._pool
        try:
            future = pool.submit(worker.run_task, job.task)
        except BrokenProcessPool:
            self._pool = pool = self._new_pool()
            future = pool.submit(worker.run_task, job.task)
        future.add_done_callback(lambda f: self._callbacks.submit(self._finish, job, f, pool))

    def _finish(self, job: Job, future: Future, pool: ProcessPoolExecutor) -> None:
        outcome, error = None, None
        try:
            outcome = future.result()
        except BrokenProcessPool as e:
            how = _how_it_died(pool)
            log.error("worker died (%s) while running job %s (%s)", how, job.id, job.name)
            error = JobCrashed(crash_text(job.name, how))
            error.__cause__ = e
            with self._lock:
                if self._pool is pool and not self._closed:
                    self._pool = self._new_pool()
            pool.shutdown(wait=False, cancel_futures=True)
        except BaseException as e:  # reported through the one error path by on_done
            error = e
        with job.lock:
            job.finished = True
        try:
            job.on_done(outcome, error)
        except Exception:
            log.exception("reporting job %s failed", job.id)
        finally:
            with self._lock:
                self._running.pop(job.id, None)
                if self._pending and not self._closed:
                    self._start(self._pending.popleft())

    def _relay(self) -> None:
        """Forward ``(job_id, stage)`` from the workers to the job's ``on_progress``."""
        while True:
            item = self._progress.get()
            if item is None:
                return
            job_id, stage = item
            with self._lock:
                job = self._running.get(job_id)
            if job is None:
                continue
            with job.lock:
                if job.finished:
                    continue
                try:
                    job.on_progress(stage)
                except Exception:
                    log.exception("progress update for job %s failed", job_id)

    def close(self) -> None:
        """Stop taking jobs, cancel waiting ones, stop the workers."""
        with self._lock:
            self._closed = True
            self._pending.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._progress.put(None)
        self._listener.join(timeout=5)
        self._callbacks.shutdown(wait=True)
