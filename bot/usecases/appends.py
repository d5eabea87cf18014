"""The answer to *Add* or *Replace* (asked by ``bot.usecases.ask_append``): queue what was
chosen. Until someone answers, nothing is segmented and the channel's data stays.

The answer is claimed with one conditional update (a double click queues once); a click on a
question already answered, superseded by a newer upload's, or asked about data the channel no
longer has gets a plain answer and changes nothing.
"""

from __future__ import annotations

import logging

import storage
from bot.errors import UserError
from bot.jobs.queue import new_job_id
from bot.jobs.tasks import AppendTask
from bot.render.appends import already_text, decided_text
from bot.render.blocks import section
from bot.render.progress import progress_text
from bot.requests import parse_id
from bot.slack.posting import post
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.currency import channel_currency
from bot.usecases.uploads import enqueue, where
from storage.appends import (
    CHOICES,
    PendingUpload,
    decide_pending,
    pending_upload,
)

log = logging.getLogger("segbot.appends")
GONE = "That question is not open any more: share the file again to start over."
SUPERSEDED = "A newer upload in this channel asked again since: answer that question instead."
CHANGED = "This channel's data changed since I asked: share the file again to choose."


def decide(
    deps: Deps, place: Place, value: str, choice: str, question_ts: str | None = None
) -> Reply | None:
    """*Add* or *Replace*: queue the pending upload that way (once); a plain reply otherwise.

    ``question_ts`` is the clicked message (the question), replaced by who chose what."""
    if choice not in CHOICES:
        raise UserError(GONE)
    scope, db_path = place.scope, deps.settings.db_path
    with storage.connect(db_path) as db:
        pending = pending_upload(db, scope, parse_id(value))
        latest = storage.latest_upload(db, scope)  # a connected source is never added to
        if pending is None:
            raise UserError(GONE)
        if pending.state == "open" and (latest is None or latest.id != pending.base_dataset_id):
            decide_pending(db, scope, pending.id, "superseded", was="open")
            raise UserError(CHANGED)
        claimed = decide_pending(db, scope, pending.id, choice, was="open", user_id=place.user_id)
        if not claimed:
            pending = pending_upload(db, scope, pending.id) or pending
    if not claimed:
        if pending.state == "superseded":
            raise UserError(SUPERSEDED)
        stored = pending.stored_dataset_id is not None
        name = pending.export.file_name
        return Reply(already_text(pending.state, pending.decided_by, name, stored=stored))
    try:
        _queue(deps, place, pending, choice, stored_name=latest.file_name)
    except BaseException:
        with storage.connect(db_path) as db:
            decide_pending(db, scope, pending.id, "open", was=choice)
        raise
    question_ts = question_ts or pending.question_ts
    if question_ts:
        text = decided_text(place.user_id, choice, pending.export.file_name, latest.file_name)
        try:  # the job is queued: a refused update only leaves the buttons showing
            deps.client.chat_update(
                channel=place.channel_id, ts=question_ts, text=text, blocks=[section(text)]
            )
        except Exception:
            log.warning(
                "the add/replace question %s could not be updated", pending.id, exc_info=True
            )
    return None


def _queue(
    deps: Deps, place: Place, pending: PendingUpload, choice: str, *, stored_name: str
) -> None:
    """Post a status message in the upload's thread and queue the chosen job."""
    name = (
        pending.export.file_name
        if choice == "replace"
        else f"{stored_name} + {pending.export.file_name}"
    )
    task = AppendTask(
        job_id=new_job_id(),
        where=where(deps, place),
        append_id=pending.id,
        choice=choice,
        currency=channel_currency(deps, place),
    )
    status = post(
        deps.client,
        place.channel_id,
        progress_text(name, None, "reading"),
        thread_ts=pending.thread_ts,
    )
    enqueue(deps, place, task, name=name, size=None, status=status, thread_ts=pending.thread_ts)
