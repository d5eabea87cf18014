"""A file shared in a channel, and any queued segmentation: status in the thread, results below.

The job is recorded in SQLite before any work, then the status message is posted and updated
as the job moves (queued, reading, cleaning, clustering, charts); the results (summary, then
the charts in one upload) go in the same thread (``bot.usecases.delivery``).
"""

from __future__ import annotations

from dataclasses import replace

import storage
from bot.jobs.queue import Job, new_job_id
from bot.jobs.tasks import (
    AlreadyStored,
    AppendQuestion,
    AppendTask,
    Outcome,
    RunTask,
    UploadTask,
    Where,
)
from bot.render.appends import already_stored_text
from bot.render.progress import progress_text
from bot.render.sources import upload_beside_source_text
from bot.requests import file_name
from bot.slack.files import too_large
from bot.usecases.ask_append import ask as ask_append
from bot.usecases.ask_mapping import mapping_needed
from bot.usecases.context import Deps, Place
from bot.usecases.currency import channel_currency
from bot.usecases.delivery import (
    Thread,
    begin,
    deliver,
    end,
    fail,
    reply,
    set_state,
    show,
    tell,
)
from segmentation.errors import MappingNeeded
from storage import JobRecord, Scope

DATA_TYPES = ("csv", "tsv", "txt", "xlsx", "xls", "parquet", "gz", "zip")  # .xls: to say why not


def is_data_file(file: dict) -> bool:
    """CSV/TSV/TXT/XLSX/Parquet/GZ/ZIP by extension (Slack's filetype is unreliable)."""
    name = str(file.get("name") or "").lower()
    return name.rsplit(".", 1)[-1] in DATA_TYPES if "." in name else False


def where(deps: Deps, place: Place) -> Where:
    return Where(
        scope=place.scope,
        user_id=place.user_id,
        db_path=deps.settings.db_path,
        data_dir=deps.settings.data_dir,
    )


def handle_upload(deps: Deps, place: Place, file: dict, thread_ts: str) -> None:
    """Reply in the file's thread, then segment it in the background (each file id once)."""
    claim = f"file:{place.team_id}:{file['id']}"
    if not is_data_file(file) or not deps.claim(claim):
        return
    name, size = file_name(file.get("name")), int(file.get("size") or 0)
    job = JobRecord(
        id=new_job_id(),
        team_id=place.team_id,
        channel_id=place.channel_id,
        user_id=place.user_id,
        kind="upload",
        name=name,
        size=size,
        thread_ts=thread_ts,
        file_id=str(file["id"]),
        claim=claim,
    )
    thread = begin(deps, job, progress_text(name, size, "reading"))
    settings = deps.settings
    try:
        if size > settings.max_upload_bytes:
            raise too_large(name, size, settings.max_upload_bytes)
        task = UploadTask(
            job_id=job.id,
            where=where(deps, place),
            file_id=file["id"],
            name=name,
            url=str(file.get("url_private_download") or file.get("url_private") or ""),
            token=settings.bot_token,
            hosts=settings.file_hosts,
            max_bytes=settings.max_upload_bytes,
            currency=channel_currency(deps, place),
        )
    except Exception as e:
        fail(deps, thread, e)
        return
    submit(deps, thread, task, title=f"Segments of {name}")


def enqueue(
    deps: Deps,
    place: Place,
    task: UploadTask | RunTask | AppendTask,
    *,
    name: str,
    size: int | None,
    status: str,
    thread_ts: str,
    title: str | None = None,
) -> None:
    """Record and queue ``task`` whose status message ``status`` is already posted."""
    job = JobRecord(
        id=task.job_id,
        team_id=place.team_id,
        channel_id=place.channel_id,
        user_id=place.user_id,
        kind="run" if isinstance(task, RunTask) else "upload",
        name=name,
        size=size,
        thread_ts=thread_ts,
        status_ts=status,
        file_id=getattr(task, "file_id", None),
    )
    submit(deps, begin(deps, job, None), task, title=title or f"Segments of {name}")


def submit(
    deps: Deps, thread: Thread, task: UploadTask | RunTask | AppendTask, *, title: str
) -> None:
    """Queue the job's task; progress on its status message, the results or the error after."""
    job = thread.job

    def progress(stage: str) -> None:
        show(deps, thread, progress_text(job.name, job.size, stage))

    def done(
        outcome: Outcome | AppendQuestion | AlreadyStored | None, error: BaseException | None
    ) -> None:
        if isinstance(outcome, AppendQuestion):  # a channel with data: add or replace? (asked)
            ask_append(deps, thread, outcome)
        elif isinstance(outcome, AlreadyStored):  # the same bytes again: nothing changes
            if tell(deps, thread, already_stored_text(outcome)):
                end(deps, thread, "done")
        elif isinstance(error, MappingNeeded) and isinstance(task, UploadTask):
            known = mapping_needed(deps, thread, task, error)  # else: asked in the thread
            if known is not None:
                again = replace(task, job_id=new_job_id(), mapping=known, kept=error.kept)
                place = Place(job.team_id, job.channel_id, job.user_id or "")
                enqueue(deps, place, again, name=job.name, size=job.size, status=job.status_ts,
                        thread_ts=job.thread_ts, title=title)  # fmt: skip
        elif error is not None:
            fail(deps, thread, error)
        else:
            deliver(deps, thread, outcome, title=title)
            if not isinstance(task, RunTask):
                note_bound_source(deps, thread)

    set_state(deps, job.id, state="running")  # before submit: a quick job may end at once
    try:
        position = deps.jobs.submit(
            Job(task=task, name=job.name, on_progress=progress, on_done=done)
        )
    except Exception as e:
        fail(deps, thread, e)
        return
    if position:
        show(deps, thread, progress_text(job.name, job.size, "queued", position=position))


def note_bound_source(deps: Deps, thread: Thread) -> None:
    """Say so when an export's results came in a channel that reads a connected source: the
    next run and digest read the source, not this file."""
    job = thread.job
    with storage.connect(deps.settings.db_path) as db:
        binding = storage.channel_source(db, Scope(job.team_id, job.channel_id))
    if binding is not None:
        reply(deps, thread, upload_beside_source_text(binding.source, job.name))
