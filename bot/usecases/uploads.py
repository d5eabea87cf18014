"""A file shared in a channel, and any queued segmentation: status in the thread, results below.

The status message is posted first and updated as the job moves (queued, reading, cleaning,
clustering, charts); the results (summary, then the charts in one upload) go in the same thread.
"""

from __future__ import annotations

from bot.errors import describe
from bot.jobs.queue import Job, new_job_id
from bot.jobs.tasks import Outcome, RunTask, UploadTask, Where
from bot.render.progress import failure_text, progress_text
from bot.render.results import results_blocks, results_text
from bot.slack.files import too_large, upload_files
from bot.slack.posting import post, update
from bot.usecases.context import Deps, Place
from bot.usecases.currency import channel_currency

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
    if not is_data_file(file) or not deps.claim(f"file:{place.team_id}:{file['id']}"):
        return
    name, size = str(file.get("name")), int(file.get("size") or 0)
    status = post(
        deps.client, place.channel_id, progress_text(name, size, "reading"), thread_ts=thread_ts
    )
    settings = deps.settings
    try:
        if size > settings.max_upload_bytes:
            raise too_large(name, size, settings.max_upload_bytes)
        task = UploadTask(
            job_id=new_job_id(),
            where=where(deps, place),
            file_id=file["id"],
            name=name,
            url=str(file.get("url_private_download") or file.get("url_private") or ""),
            token=settings.bot_token,
            hosts=settings.file_hosts,
            max_bytes=settings.max_upload_bytes,
            currency=channel_currency(deps, place),
        )
        enqueue(deps, place, task, name=name, size=size, status=status, thread_ts=thread_ts)
    except Exception as e:
        text = failure_text(name, describe(e, context=f"queueing {name}"))
        update(deps.client, place.channel_id, status, text)


def enqueue(
    deps: Deps,
    place: Place,
    task: UploadTask | RunTask,
    *,
    name: str,
    size: int | None,
    status: str,
    thread_ts: str,
    title: str | None = None,
) -> None:
    """Queue ``task``; keep ``status`` up to date and post the results (or the error) in the thread."""
    channel = place.channel_id

    def progress(stage: str) -> None:
        update(deps.client, channel, status, progress_text(name, size, stage))

    def done(outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None:
            text = failure_text(name, describe(error, context=f"segmenting {name}"))
            update(deps.client, channel, status, text)
            return
        update(deps.client, channel, status, progress_text(name, size, "done"))
        post_results(
            deps, channel, outcome, thread_ts=thread_ts, title=title or f"Segments of {name}"
        )

    position = deps.jobs.submit(Job(task=task, name=name, on_progress=progress, on_done=done))
    if position:
        update(deps.client, channel, status, progress_text(name, size, "queued", position=position))


def post_results(deps: Deps, channel: str, outcome: Outcome, *, thread_ts: str, title: str) -> None:
    """The summary (Block Kit + text fallback), then the charts in ONE upload call."""
    post(
        deps.client,
        channel,
        results_text(outcome.summary, title=title),
        thread_ts=thread_ts,
        blocks=results_blocks(outcome.summary, run_id=outcome.run_id, title=title),
    )
    if outcome.charts:
        upload_files(deps.client, channel=channel, files=outcome.charts, thread_ts=thread_ts)
