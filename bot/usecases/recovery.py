"""Start-up: every job a stopped bot left unfinished is posted or failed, and its user told.

A job whose worker had stored its run is finished: the run's summary is posted and its charts
drawn again in a worker. Any other job is failed with a word in its thread (its run, if any,
is failed with it), and its file's claim is released so sharing the file again works. A job
whose user cannot be told now (Slack down) stays unfinished for the next start-up.
"""

from __future__ import annotations

import functools
import logging

import storage
from bot.jobs.queue import Job, new_job_id
from bot.jobs.redraw import stored_outcome
from bot.jobs.tasks import CallTask
from bot.render.progress import failure_text, interrupted_text
from bot.usecases.context import Deps
from bot.usecases.delivery import Thread, conclude, deliver
from storage import JobRecord, Scope

log = logging.getLogger("segbot.recovery")


def recover_jobs(deps: Deps) -> int:
    """Adopt the unfinished jobs of bot processes that are gone and see each through."""
    settings = deps.settings
    storage.remove_partial_files(settings.data_dir)
    with storage.connect(settings.db_path) as db:
        jobs = storage.adopt_unfinished_jobs(db)
        statuses = {job.id: storage.run_status(db, job.run_id) for job in jobs}
    for job in jobs:
        try:
            recover(deps, job, statuses[job.id])
        except Exception:
            log.exception("recovering job %s (%s) failed", job.id, job.name)
    if jobs:
        log.info("recovered %s unfinished job(s)", len(jobs))
    return len(jobs)


def recover(deps: Deps, job: JobRecord, run_status: str | None) -> None:
    """Post a stored run again, or tell the thread the job was interrupted (or why it failed)."""
    thread = Thread(job)
    interrupted = interrupted_text(job.name, job.kind)
    if run_status == "done" and job.run_id is not None:
        call = functools.partial(
            stored_outcome, deps.settings.db_path, Scope(job.team_id, job.channel_id), job.run_id
        )

        def done(outcome: object, error: BaseException | None) -> None:
            if error is None:
                deliver(deps, thread, outcome, title=f"Segments of {job.name}")
            else:
                conclude(deps, thread, interrupted, release=True)

        task = CallTask(job_id=new_job_id(), call=call)
        deps.jobs.submit(Job(task=task, name=job.name, on_progress=lambda _s: None, on_done=done))
        return
    if job.error and job.error.startswith(failure_text(job.name, "")):
        conclude(deps, thread, job.error, release=True)  # failed, but no one could be told then
        return
    conclude(deps, thread, interrupted, release=True)
