"""A job's thread: its status message, its results (first), and a word whatever goes wrong.

Each job is recorded in SQLite (``storage.jobs``) before any work and ends 'done' or 'failed'
only once its user was told. Slack failures never stop the results: the status message is
cosmetic (a failed update is logged), the summary goes out before the status says "Done", and
a chart upload still failing after the client's retries is said in the thread. A job whose
user could not be told at all stays unfinished in SQLite; the next start-up tells them
(``bot.usecases.recovery``). A job that failed for a reason other than the file itself (a
crash, a restart, a full disk, Slack) releases the file's claim, so sharing it again works.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from dataclasses import dataclass, replace

import storage
from bot.errors import QueueFullError, describe, is_user_error
from bot.jobs.queue import JobCrashed
from bot.jobs.tasks import Outcome
from bot.render.campaigns import open_campaigns_text
from bot.render.progress import (
    charts_missing_text,
    disk_full_text,
    failure_text,
    progress_text,
    results_missing_text,
)
from bot.render.results import results_blocks, results_text
from bot.slack.files import upload_files
from bot.slack.posting import post, update
from bot.usecases.context import Deps
from storage import JobRecord
from workflows.campaign_report import open_campaign_lines
from workflows.runs import Where

log = logging.getLogger("segbot.delivery")
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


@dataclass(frozen=True)
class Thread:
    """Where a job answers: its record holds the channel, thread and status message (None if
    it could not be posted), the file's name and claim."""

    job: JobRecord

    @property
    def channel(self) -> str:
        return self.job.channel_id


def begin(deps: Deps, job: JobRecord, first_text: str | None) -> Thread:
    """Record ``job`` before any work; post ``first_text`` as its status message (if given).

    A status message Slack refuses is logged and the job goes on without one: its results
    (or its failure) are still posted in the thread.
    """
    with storage.connect(deps.settings.db_path) as db:
        storage.add_job(db, job)
    if first_text is None:
        return Thread(job)
    try:
        status = post(deps.client, job.channel_id, first_text, thread_ts=job.thread_ts)
    except Exception:
        log.warning("job %s: the status message could not be posted", job.id, exc_info=True)
        return Thread(job)
    set_state(deps, job.id, status_ts=status)
    return Thread(replace(job, status_ts=status))


def set_state(deps: Deps, job_id: str, **values: str | None) -> None:
    with storage.connect(deps.settings.db_path) as db:
        storage.update_job(db, job_id, **values)


def show(deps: Deps, thread: Thread, text: str) -> None:
    """Update the status message; Slack refusing it only costs the progress line."""
    if thread.job.status_ts is None:
        return
    try:
        update(deps.client, thread.channel, thread.job.status_ts, text)
    except Exception:
        log.warning("job %s: status update failed", thread.job.id, exc_info=True)


def tell(deps: Deps, thread: Thread, text: str) -> bool:
    """Say ``text`` on the status message, or as a new reply when that fails; False if neither."""
    job = thread.job
    if job.status_ts is not None:
        try:
            update(deps.client, job.channel_id, job.status_ts, text)
            return True
        except Exception:
            log.warning("job %s: status update failed, replying instead", job.id, exc_info=True)
    return reply(deps, thread, text)


def reply(deps: Deps, thread: Thread, text: str) -> bool:
    """A new message in the job's thread; False (logged) if Slack would not take it."""
    try:
        post(deps.client, thread.channel, text, thread_ts=thread.job.thread_ts)
        return True
    except Exception:
        log.error("job %s: could not tell the thread: %s", thread.job.id, text, exc_info=True)
        return False


def deliver(deps: Deps, thread: Thread, outcome: Outcome, *, title: str) -> None:
    """Post the results first (summary, then the charts), then mark the status done."""
    job = thread.job
    set_state(deps, job.id, state="posting")
    try:
        post(
            deps.client,
            job.channel_id,
            results_text(outcome.summary, title=title),
            thread_ts=job.thread_ts,
            blocks=results_blocks(
                outcome.summary,
                run_id=outcome.run_id,
                title=title,
                email_tool=deps.settings.email_tool_export,
            ),
        )
    except Exception as e:
        log.warning("job %s: results message refused", job.id, exc_info=True)
        if reply(deps, thread, results_missing_text(job.name, slack_reason(e))):
            end(deps, thread, "done", error=f"results not posted: {slack_reason(e)}")
        return  # not told: still 'posting', the next start-up posts it
    if outcome.charts:
        try:
            upload_files(
                deps.client, channel=job.channel_id, files=outcome.charts, thread_ts=job.thread_ts
            )
        except Exception as e:
            log.warning("job %s: chart upload failed", job.id, exc_info=True)
            reply(deps, thread, charts_missing_text(list(outcome.charts), slack_reason(e)))
    tell_campaigns(deps, thread)
    show(deps, thread, progress_text(job.name, job.size, "done"))
    end(deps, thread, "done")


def tell_campaigns(deps: Deps, thread: Thread) -> None:
    """New data arrived: each open campaign's read-out, in one message of the thread. A
    read-out that fails unexpectedly is said there with its reference (the results are out
    already and stay so)."""
    job = thread.job
    where = Where(
        scope=storage.Scope(job.team_id, job.channel_id), user_id=job.user_id,
        db_path=deps.settings.db_path, data_dir=deps.settings.data_dir,
    )  # fmt: skip
    try:
        lines = open_campaign_lines(where, catalog=deps.sources)
    except Exception as e:
        reply(deps, thread, describe(e, context="reading out the campaigns"))
        return
    if lines:
        reply(deps, thread, open_campaigns_text(lines))


def fail(deps: Deps, thread: Thread, error: BaseException) -> None:
    """Tell the thread why the job failed; release the file's claim unless the file was at fault."""
    job = thread.job
    if is_disk_full(error):
        message = disk_full_text(job.name)
    else:
        message = describe(error, context=f"segmenting {job.name}")
    conclude(deps, thread, failure_text(job.name, message), release=releases_claim(error))


def conclude(deps: Deps, thread: Thread, text: str, *, release: bool) -> None:
    """Tell ``text`` and end the job failed; if no one could be told, keep it for the next start."""
    if tell(deps, thread, text):
        end(deps, thread, "failed", error=text, release=release)
    else:
        set_state(deps, thread.job.id, state="posting", error=text)


def end(
    deps: Deps, thread: Thread, state: str, *, error: str | None = None, release: bool = False
) -> None:
    with storage.connect(deps.settings.db_path) as db:
        storage.end_job(db, thread.job.id, state, error)
        if release:
            storage.release_claim(db, thread.job.claim)


def releases_claim(error: BaseException) -> bool:
    """False when the file itself was at fault (sharing it again would fail the same way)."""
    return not is_user_error(error) or isinstance(error, JobCrashed | QueueFullError)


def is_disk_full(error: BaseException) -> bool:
    if isinstance(error, sqlite3.OperationalError):
        return "disk is full" in str(error) or "disk I/O error" in str(error)
    return isinstance(error, OSError) and error.errno in DISK_FULL


def slack_reason(error: BaseException) -> str:
    """A short, safe reason for a failed Slack call: ``Slack answered `ratelimited```…"""
    response = getattr(error, "response", None)
    code = response.get("error") if isinstance(response, dict) or hasattr(response, "get") else None
    if code:
        return f"Slack answered `{code}`"
    text = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
    return text.replace("<", "(").replace(">", ")").replace("&", "and")
