"""An upload whose columns could not be guessed: use the channel's remembered mapping for
that header, or ask in the upload's thread with one select per missing field.

The upload's file, thread and headers are stored (``storage.mappings``), so the *Segment*
button and ``/segment map`` can run it again later, after a restart too.
"""

from __future__ import annotations

import storage
from bot.jobs.tasks import UploadTask
from bot.render.mapping import mapping_blocks, mapping_text
from bot.render.progress import failure_text
from bot.slack.posting import post
from bot.usecases.context import Deps
from bot.usecases.delivery import Thread, conclude, end
from segmentation.errors import MappingNeeded
from segmentation.load.columns import normalise_header
from storage import Scope
from storage.mappings import (
    ANY_HEADER,
    forget_mapping,
    header_hash,
    open_mapping_request,
    remember_mapping,
    remembered_mapping,
    set_question_ts,
)


def column_in(headers: tuple[str, ...], wanted: str) -> str | None:
    """The header ``wanted`` names: itself, or the one equal to it once normalised."""
    if wanted in headers:
        return wanted
    key = normalise_header(wanted)
    return next((h for h in headers if normalise_header(h) == key), None)


def fits(mapping: dict[str, str], headers: tuple[str, ...]) -> bool:
    """Every column of ``mapping`` is in the file."""
    return bool(mapping) and all(column_in(headers, c) is not None for c in mapping.values())


def mapping_needed(
    deps: Deps, thread: Thread, task: UploadTask, error: MappingNeeded
) -> dict[str, str] | None:
    """A remembered mapping to run ``task`` again with, or None once the question is asked.

    Either way this job ends here (the caller queues a new one with the mapping). A mapping
    already tried (``task.mapping``) is not tried again: the question is asked.
    """
    job = thread.job
    scope, digest = Scope(job.team_id, job.channel_id), header_hash(error.headers)
    with storage.connect(deps.settings.db_path) as db:
        known = None if task.mapping else _known(db, scope, digest, error.headers, job.user_id)
        if known is None:
            choices = {f: c for f, c in error.guesses.items() if f in error.missing}
            request_id = open_mapping_request(
                db,
                scope,
                data_dir=deps.settings.data_dir,
                kept=error.kept,
                user_id=job.user_id,
                file_id=task.file_id,
                file_name=task.name,
                url=task.url,
                size=job.size,
                thread_ts=job.thread_ts,
                status_ts=job.status_ts,
                headers=error.headers,
                missing=error.missing,
                choices=choices,
            )
    if known is not None:
        end(deps, thread, "failed", error="columns not guessed: ran again with the channel's")
        return known
    conclude(deps, thread, failure_text(task.name, str(error)), release=False)
    blocks = mapping_blocks(request_id, task.name, error.headers, error.missing, choices)
    text = mapping_text(task.name, error.missing)
    ts = post(deps.client, job.channel_id, text, thread_ts=job.thread_ts, blocks=blocks)
    with storage.connect(deps.settings.db_path) as db:
        set_question_ts(db, request_id, ts)
    return None


def _known(
    db: object, scope: Scope, digest: str, headers: tuple[str, ...], user_id: str | None
) -> dict[str, str] | None:
    """The channel's mapping for this header, or one given for the next upload (then kept
    for this header), if its columns are all in the file."""
    for key in (digest, ANY_HEADER):
        known = remembered_mapping(db, scope, key)
        if known and fits(known, headers):
            if key == ANY_HEADER:
                remember_mapping(db, scope, digest, known, user_id=user_id)
                forget_mapping(db, scope, ANY_HEADER)
            return known
    return None
