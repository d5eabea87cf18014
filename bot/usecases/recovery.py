"""Start-up: every job a stopped bot left unfinished is posted or failed, and its user told.

A job whose worker had stored its run is finished: the run's summary is posted and its charts
drawn again in a worker. Any other job is failed with a word in its thread that says what the
database holds (data stored without results; an *Add*/*Replace* nothing was stored of, which is
asked again; or nothing), and its file's claim is released so sharing the file again works. A job
whose user cannot be told now (Slack down) stays unfinished for the next start-up.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import sqlite_utils

import storage
from bot.jobs.queue import Job, new_job_id
from bot.jobs.redraw import stored_outcome
from bot.jobs.tasks import CallTask
from bot.render.appends import reopened_blocks, reopened_text
from bot.render.blocks import section
from bot.render.mapping import columns_unread_text, mapping_blocks, mapping_text
from bot.render.progress import (
    failure_text,
    interrupted_text,
    kept_unsegmented_text,
    nothing_stored_text,
)
from bot.slack.posting import post
from bot.usecases.context import Deps
from bot.usecases.delivery import Thread, conclude, deliver
from storage import JobRecord, Scope
from storage.appends import decided_in_thread, reopen_unstarted
from storage.mappings import reopen_unread

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
    ask_again(deps)
    ask_columns_again(deps)
    return len(jobs)


def ask_again(deps: Deps) -> None:
    """Open again each *Add*/*Replace* answer a stopped bot stored nothing of, and ask in its
    thread (the question's own buttons were replaced by who chose what)."""
    with storage.connect(deps.settings.db_path) as db:
        reopened = reopen_unstarted(db)
        bases = {
            p.id: storage.dataset_for(db, p.base_dataset_id, Scope(p.team_id, p.channel_id))
            for p in reopened
        }
    for pending in reopened:
        base = bases[pending.id]
        stored_name = base.file_name if base is not None else "unchanged"
        name = pending.export.file_name
        text = reopened_text(pending.state, pending.decided_by, name, stored_name)
        try:
            post(deps.client, pending.channel_id, text, thread_ts=pending.thread_ts,
                 blocks=reopened_blocks(pending.id, text))  # fmt: skip
        except Exception:
            log.warning("the reopened question %s could not be posted", pending.id, exc_info=True)


def ask_columns_again(deps: Deps) -> None:
    """Open again each column question a stopped bot never segmented the file of, and ask it
    again in its thread (the question's own selects were replaced by the columns picked)."""
    with storage.connect(deps.settings.db_path) as db:
        reopened = reopen_unread(db, deps.settings.data_dir)
    for r in reopened:
        text = f"{columns_unread_text(r.file_name)} {mapping_text(r.file_name, r.missing)}"
        blocks = [
            section(text),
            *mapping_blocks(r.id, r.file_name, r.headers, r.missing, r.choices)[1:],
        ]
        try:
            post(deps.client, r.channel_id, text, thread_ts=r.thread_ts, blocks=blocks)
        except Exception:
            log.warning("the reopened column question %s could not be posted", r.id, exc_info=True)


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
    conclude(deps, thread, left_by(deps, job) or interrupted, release=True)


def left_by(deps: Deps, job: JobRecord) -> str | None:
    """What the thread must hear when the stopped job left something stored: the data it
    stored (added lines, or a first export) with no results yet; an *Add*/*Replace* it stored
    nothing of (asked again by ``ask_again``). None when it left nothing."""
    scope = Scope(job.team_id, job.channel_id)
    with storage.connect(deps.settings.db_path) as db:
        answer = decided_in_thread(db, scope, job.thread_ts) if job.kind == "upload" else None
        current = storage.latest_upload(db, scope)
        if answer is not None and answer.stored_dataset_id is None:
            return nothing_stored_text(job.name)
        if _columns_unread(db, scope, job, deps.settings.data_dir):
            return nothing_stored_text(job.name)
        stored_id = answer.stored_dataset_id if answer is not None else None
        if stored_id is None and current is not None and job.file_id is not None:
            stored_id = current.id if current.slack_file_id == job.file_id else None
        if stored_id is None or current is None or current.id != stored_id:
            return None
        if storage.has_results(db, stored_id):
            return None
    return kept_unsegmented_text(job.name, current.file_name)


def _columns_unread(
    db: sqlite_utils.Database, scope: Scope, job: JobRecord, data_dir: Path
) -> bool:
    """Whether ``job`` was a file's run with the columns picked that never read the file (its
    question is asked again by ``ask_columns_again``)."""
    used = db.execute(
        "SELECT kept FROM mapping_requests WHERE team_id = ? AND channel_id = ? AND "
        "thread_ts = ? AND state = 'used' AND kept IS NOT NULL ORDER BY id DESC LIMIT 1",
        (scope.team_id, scope.channel_id, job.thread_ts),
    ).fetchone()
    return used is not None and (Path(data_dir) / used[0]).is_file()
